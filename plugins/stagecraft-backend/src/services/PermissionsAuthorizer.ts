import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
  PermissionRuleset,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import {
  environmentCreatePermission,
  stagecraftPermissions,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  Actor,
  Authorizer,
  EnvironmentRecord,
  StagecraftAction,
} from '../domain/ports';
import type { EnvironmentFilter } from '../permissions/rules';
import { explainConditions } from './explainDecision';

/** Evaluates the rules' query form on one record (what a SQL WHERE would do). */
export function matches(
  record: EnvironmentRecord,
  criteria: PermissionCriteria<EnvironmentFilter>,
): boolean {
  if (isAndCriteria(criteria))
    return criteria.allOf.every(c => matches(record, c));
  if (isOrCriteria(criteria))
    return criteria.anyOf.some(c => matches(record, c));
  if (isNotCriteria(criteria)) return !matches(record, criteria.not);
  const value = String(record[criteria.property] ?? '').toLocaleLowerCase(
    'en-US',
  );
  return criteria.values.some(v => v.toLocaleLowerCase('en-US') === value);
}

/** The permission of each action: `stagecraft.<action>` of the common package's list. */
const resourcePermissions = Object.fromEntries(
  stagecraftPermissions.map(p => [p.name.replace(/^stagecraft\./, ''), p]),
) as Record<StagecraftAction, (typeof stagecraftPermissions)[number]>;

/**
 * The domain's Authorizer on Backstage's permission framework: every
 * permission is a resource permission on the environment name (create's is
 * decided on the proposed environment through `explain`). Conditional decisions are resolved by the framework through the
 * resource type registered in plugin.ts.
 */
export class PermissionsAuthorizer implements Authorizer {
  private readonly toFilters: ConditionTransformer<EnvironmentFilter>;

  constructor(
    private readonly permissions: PermissionsService,
    /** The registered rules of environments (permissionsRegistry.getPermissionRuleset). */
    private readonly ruleset: PermissionRuleset<
      EnvironmentRecord,
      EnvironmentFilter
    >,
    /** Named in refusals the policy's conditions explain (e.g. the platform group). */
    private readonly privilegedGroup?: string,
  ) {
    this.toFilters = createConditionTransformer(ruleset);
  }

  /**
   * One conditional decision per action, evaluated on the environment with
   * the registered rules (what the framework does for `authorize`), so a
   * refusal can name the rule that failed.
   */
  async explain(
    actor: Actor,
    requests: Array<{ action: StagecraftAction; verb: string }>,
    env: EnvironmentRecord,
  ): Promise<Array<{ allowed: boolean; message?: string }>> {
    const credentials = actor.credentials as BackstageCredentials | undefined;
    const denied = (verb: string) =>
      `${actor.ref} is not allowed to ${verb} ${env.name}`;
    if (!credentials) {
      const ok = actor.ref.startsWith('system:');
      return requests.map(r => ({
        allowed: ok,
        ...(!ok && { message: denied(r.verb) }),
      }));
    }
    const permissionOf = (a: StagecraftAction) => resourcePermissions[a];
    const decisions = await this.permissions.authorizeConditional(
      requests.map(r => ({ permission: permissionOf(r.action) })),
      { credentials },
    );
    return requests.map((r, i) => {
      const d = decisions[i];
      if (d.result === AuthorizeResult.ALLOW) return { allowed: true };
      if (d.result !== AuthorizeResult.CONDITIONAL) {
        return { allowed: false, message: denied(r.verb) };
      }
      const message = explainConditions(this.ruleset, d.conditions, env, {
        verb: r.verb,
        ...(this.privilegedGroup && { privilegedGroup: this.privilegedGroup }),
        ...(r.action === 'environment.create' && { creating: true }),
      });
      return message ? { allowed: false, message } : { allowed: true };
    });
  }

  async authorize(
    actor: Actor,
    action: StagecraftAction,
    resources?: string[],
  ): Promise<boolean[]> {
    const credentials = actor.credentials as BackstageCredentials | undefined;
    if (!credentials) {
      // only the platform's own tasks (the reaper) act without credentials
      return (resources ?? [undefined]).map(() =>
        actor.ref.startsWith('system:'),
      );
    }
    if (action === 'environment.create' && !resources) {
      // may this actor create any environment at all? A conditional answer
      // is a yes for some; `explain` decides it on the proposed environment
      const [decision] = await this.permissions.authorizeConditional(
        [{ permission: environmentCreatePermission }],
        { credentials },
      );
      return [decision.result !== AuthorizeResult.DENY];
    }
    const permission = resourcePermissions[action];
    const decisions = await this.permissions.authorize(
      (resources ?? []).map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }

  /**
   * One conditional decision for the whole list: ALLOW keeps all, DENY none,
   * CONDITIONAL applies the policy's conditions through the rules' queries.
   */
  async filter<T extends EnvironmentRecord>(
    actor: Actor,
    action: StagecraftAction,
    records: T[],
  ): Promise<T[]> {
    const credentials = actor.credentials as BackstageCredentials | undefined;
    const permission = resourcePermissions[action];
    if (!credentials || !permission) {
      const allowed = await this.authorize(
        actor,
        action,
        records.map(r => r.name),
      );
      return records.filter((_, i) => allowed[i]);
    }
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return records;
    if (decision.result !== AuthorizeResult.CONDITIONAL) return [];
    const criteria = this.toFilters(decision.conditions);
    return records.filter(r => matches(r, criteria));
  }
}
