import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from './rules';

/** Stagecraft permissions everyone may have: reading. */
const READ = new Set([
  'stagecraft.environment.read',
  'stagecraft.deployment.read',
  'stagecraft.config.read',
  'stagecraft.resource.read',
]);

/** Options of {@link StagecraftExamplePolicy}. @public */
export interface ExamplePolicyOptions {
  /** Members of this group may change production (and everything else). */
  platformGroup: string;
  /**
   * Scaffolder actions only the platform group may run (a denied step fails
   * the task). Default: the guarded `stagecraft:apply` and its deprecated
   * alias `kubernetes:apply`.
   */
  platformOnlyActions?: string[];
}

/**
 * The example policy Stagecraft ships (and the demo app runs):
 * - everyone may read environments, deployments, config and resources;
 * - a user creates preview and development environments owned by them or
 *   one of their groups (a conditional decision on the proposed
 *   environment); staging and production are created by the platform group;
 * - changes to an environment (deploy, promote, roll back, config, secrets,
 *   resources, update, delete) need ownership of it — the user or one of
 *   their groups is its owner — in preview, development and staging;
 * - production needs membership in the platform group, which may change
 *   anything; services and configured external callers (CI tokens, limited
 *   by `accessRestrictions`) are trusted like the platform group;
 * - scaffolder: the platform-only actions (default `stagecraft:apply`
 *   and its alias `kubernetes:apply`) are
 *   denied to everyone else through a `scaffolder.action.execute`
 *   conditional decision (HAS_ACTION_ID), which fails the step;
 * - every other permission of other plugins is allowed (the demo app has no
 *   other policy).
 *
 * @public
 */
export class StagecraftExamplePolicy implements PermissionPolicy {
  constructor(private readonly options: ExamplePolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isPlatform = claims
      .map(c => c.toLocaleLowerCase('en-US'))
      .includes(this.options.platformGroup.toLocaleLowerCase('en-US'));

    if (permission.name === 'scaffolder.action.execute') {
      const denied = this.options.platformOnlyActions ?? [
        'stagecraft:apply',
        'kubernetes:apply',
      ];
      if (isPlatform || !denied.length)
        return { result: AuthorizeResult.ALLOW };
      // the scaffolder's own rule (HAS_ACTION_ID), in its documented JSON form
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-action',
        conditions: {
          not: {
            anyOf: denied.map(
              (actionId): PermissionCondition => ({
                rule: 'HAS_ACTION_ID',
                resourceType: 'scaffolder-action',
                params: { actionId },
              }),
            ) as [PermissionCondition, ...PermissionCondition[]],
          },
        },
      };
    }
    if (!permission.name.startsWith('stagecraft.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (READ.has(permission.name)) return { result: AuthorizeResult.ALLOW };
    // no user: a backend service or an external caller (e.g. CI) whose
    // access the admin configured and restricted (backend.auth.externalAccess)
    if (!user || isPlatform) return { result: AuthorizeResult.ALLOW };
    if (
      permission.name === 'stagecraft.environment.create' &&
      isResourcePermission(permission, STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE)
    ) {
      // decided on the proposed environment: a team creates its own preview
      // and development environments; staging and production are the
      // platform group's to create
      return createEnvironmentConditionalDecision(permission, {
        allOf: [
          environmentConditions.hasTier({ tiers: ['preview', 'development'] }),
          environmentConditions.isOwner({ claims }),
        ],
      });
    }
    if (
      isResourcePermission(permission, STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE)
    ) {
      return createEnvironmentConditionalDecision(permission, {
        allOf: [
          environmentConditions.hasTier({
            tiers: ['preview', 'development', 'staging'],
          }),
          environmentConditions.isOwner({ claims }),
        ],
      });
    }
    return { result: AuthorizeResult.DENY };
  }
}
