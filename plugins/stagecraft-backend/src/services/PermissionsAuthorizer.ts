import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  configReadPermission,
  configUpdatePermission,
  secretUpdatePermission,
  deploymentCreatePermission,
  deploymentPromotePermission,
  deploymentReadPermission,
  deploymentRollbackPermission,
  environmentCreatePermission,
  environmentDeletePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  resourceProvisionPermission,
  resourceReadPermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor, Authorizer, StagecraftAction } from '../domain/ports';

const resourcePermissions = {
  'environment.read': environmentReadPermission,
  'environment.update': environmentUpdatePermission,
  'environment.delete': environmentDeletePermission,
  'deployment.create': deploymentCreatePermission,
  'deployment.promote': deploymentPromotePermission,
  'deployment.rollback': deploymentRollbackPermission,
  'deployment.read': deploymentReadPermission,
  'config.read': configReadPermission,
  'config.update': configUpdatePermission,
  'secret.update': secretUpdatePermission,
  'resource.provision': resourceProvisionPermission,
  'resource.read': resourceReadPermission,
} as const;

/**
 * The domain's Authorizer on Backstage's permission framework: create is a
 * basic permission, the others are resource permissions on the environment
 * name. Conditional decisions are resolved by the framework through the
 * resource type registered in plugin.ts.
 */
export class PermissionsAuthorizer implements Authorizer {
  constructor(private readonly permissions: PermissionsService) {}

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
    if (action === 'environment.create') {
      const [decision] = await this.permissions.authorize(
        [{ permission: environmentCreatePermission }],
        { credentials },
      );
      return [decision.result === AuthorizeResult.ALLOW];
    }
    const permission = resourcePermissions[action];
    const decisions = await this.permissions.authorize(
      (resources ?? []).map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return decisions.map(d => d.result === AuthorizeResult.ALLOW);
  }
}
