import type { Release } from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import { requireEnvironment } from '../input';
import type { Actor, ProgressListener, StagecraftAction } from '../ports';
import type { DeploymentDeps } from './ports';

export const noProgress: ProgressListener = () => {};

/** Authorizes `action` on the environment, then loads it (403 before 404). */
export async function authorizedEnvironment(
  deps: Pick<DeploymentDeps, 'authorizer' | 'auditor' | 'environments'>,
  actor: Actor,
  action: StagecraftAction,
  name: string,
) {
  return requireEnvironment(deps, actor, {
    action,
    name,
    targetKind: 'deployment',
    message: `${actor.ref} is not allowed to ${action.replace(
      'deployment.',
      '',
    )} in environment "${name}"`,
  });
}

/** The stored release, or a 404. */
export async function requireRelease(
  deps: Pick<DeploymentDeps, 'deployments'>,
  id: string,
): Promise<Release> {
  const release = await deps.deployments.getRelease(id);
  if (!release) throw new NotFoundError(`release ${id} not found`);
  return release;
}
