import type {
  ActionReason,
  ActionState,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, StagecraftAction } from '../ports';

/** How each permission reads in a refusal ("… may deploy to payments-prod"). */
export const VERBS: Partial<Record<StagecraftAction, string>> = {
  'deployment.create': 'deploy to',
  'deployment.promote': 'promote to',
  'deployment.rollback': 'roll back',
  'deployment.operate': 'operate deployments in',
  'deployment.approve': 'approve changes to',
  'config.update': 'change the configuration of',
  'secret.update': 'change the secrets of',
  'environment.update': 'extend',
  'environment.delete': 'delete',
  'environment.create': 'provision environments such as',
};

export const ok: ActionState = { allowed: true };
export const no = (
  code: ActionReason['code'],
  message: string,
  extra: Partial<ActionReason> = {},
): ActionState => ({ allowed: false, reason: { code, message, ...extra } });

/** Runs checks in order; the first refusal is the answer. */
export function first(
  ...checks: Array<ActionState | undefined | false>
): ActionState {
  for (const c of checks) if (c && !c.allowed) return c;
  return ok;
}

export const short = (ref: string) =>
  ref.replace(/^component:(?:[^/]+\/)?/, '');

/** Why an environment cannot take actions yet (not provisioned, provisioning, failed, deleting). */
export function provisioned(
  name: string,
  env: EnvironmentRecord | undefined,
): ActionState | undefined {
  if (!env) return no('not-provisioned', `${name} is not provisioned yet`);
  if (env.phase === 'Ready') return undefined;
  const messages = {
    Provisioning: `${name} is still being provisioned`,
    Failed: `${name} failed to provision${
      env.message ? `: ${env.message}` : ''
    }`,
    Deleting: `${name} is being deleted`,
  };
  return no('not-provisioned', messages[env.phase]);
}
