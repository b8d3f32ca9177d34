import type {
  ApprovalRequest,
  DeploymentStatus,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, Notice } from '../ports';

/** Topics Stagecraft notifies under (users mute them in their settings). */
export const NOTICE_TOPICS = {
  approvals: 'stagecraft-approvals',
  rollouts: 'stagecraft-rollouts',
  expiry: 'stagecraft-environment-expiry',
} as const;

const short = (ref: string) => ref.replace(/^component:(?:[^/]+\/)?/, '');

/** The app page of an entity (`component:ns/name` → `/catalog/ns/component/name`). */
export function entityPath(ref: string, tab?: string): string {
  const [, kind, namespace = 'default', name] =
    /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref) ?? [];
  const base = `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}`;
  return tab ? `${base}/${tab}` : base;
}

const what = (r: ApprovalRequest) =>
  `${r.action} of ${short(r.component)} (${r.image}) to ${r.environment}`;

/** To the approver group: someone waits for them, with the way to decide. */
export function approvalRequested(r: ApprovalRequest): Notice {
  return {
    recipients: [r.group],
    exclude: [r.requestedBy],
    topic: NOTICE_TOPICS.approvals,
    severity: 'high',
    title: `Approval needed: ${what(r)}`,
    description: `${r.requestedBy} asks to ${r.action} release ${
      r.releaseId
    } to ${r.environment}${r.from ? ` from ${r.from}` : ''}; ${
      r.required
    } approval(s) from ${
      r.group
    } needed. Approve or reject it on the component's Deployments tab.`,
    link: entityPath(r.component, 'deployments'),
    scope: `stagecraft:approval:${r.id}`,
  };
}

/** To the requester: their request was decided (executed, failed or rejected). */
export function approvalDecided(r: ApprovalRequest): Notice | undefined {
  const by = (d?: { by: string; comment?: string }) =>
    d ? `${d.by}${d.comment ? `: "${d.comment}"` : ''}` : '';
  const outcome = {
    executed: {
      title: `Approved and running: ${what(r)}`,
      description: `Approved by ${r.approvals
        .map(a => by(a))
        .join(', ')}; revision ${r.revision} runs in ${r.environment}.`,
      severity: 'normal' as const,
    },
    failed: {
      title: `Approved but failed: ${what(r)}`,
      description: `Approved by ${r.approvals
        .map(a => a.by)
        .join(', ')}, but the rollout failed: ${r.error ?? 'unknown error'}`,
      severity: 'high' as const,
    },
    rejected: {
      title: `Rejected: ${what(r)}`,
      description: `Rejected by ${by(r.rejection)}. Nothing was deployed.`,
      severity: 'normal' as const,
    },
  }[r.state as 'executed' | 'failed' | 'rejected'];
  if (!outcome) return undefined;
  return {
    recipients: [r.requestedBy],
    topic: NOTICE_TOPICS.approvals,
    ...outcome,
    link: entityPath(r.component, 'deployments'),
    scope: `stagecraft:approval:${r.id}:decision`,
  };
}

/** To the component's owner: a rollout will not finish by itself. */
export function rolloutFailed(options: {
  owner: string;
  component: string;
  environment: string;
  revision: number;
  status: DeploymentStatus;
}): Notice {
  const { status } = options;
  const reason = status.reason ?? 'failed';
  return {
    recipients: [options.owner],
    topic: NOTICE_TOPICS.rollouts,
    severity: 'high',
    title: `Rollout failed: ${short(options.component)} in ${
      options.environment
    } (${reason})`,
    description: `Revision ${options.revision} (${
      status.image ?? status.release ?? 'unknown image'
    }) is not coming up: ${reason}${
      status.message ? ` — ${status.message}` : ''
    }. ${status.replicas.ready}/${
      status.replicas.desired
    } replicas ready. See its logs and events, or roll back.`,
    link: entityPath(options.component, 'deployments'),
    scope: `stagecraft:rollout:${options.component}@${options.environment}#${options.revision}`,
  };
}

/** To the environment's owner: it is deleted soon unless extended. */
export function expiringSoon(env: EnvironmentRecord, now: Date): Notice {
  const hours = Math.max(
    0,
    Math.round((Date.parse(env.expiresAt!) - now.getTime()) / 3_600_000),
  );
  return {
    recipients: [env.owner],
    topic: NOTICE_TOPICS.expiry,
    severity: 'normal',
    title: `${env.name} expires ${
      hours ? `in about ${hours} h` : 'within the hour'
    }`,
    description: `The ${env.type} environment ${env.name} and everything deployed in it is deleted at ${env.expiresAt}. Extend it on its page to keep it.`,
    link: entityPath(`environment:default/${env.name}`),
    scope: `stagecraft:expiry:${env.name}`,
  };
}

/** To the requester and approvers: the window of an approved change is open. */
export function windowOpened(r: ApprovalRequest): Notice {
  return {
    recipients: [r.requestedBy, ...r.approvals.map(a => a.by)],
    topic: NOTICE_TOPICS.approvals,
    severity: 'normal',
    title: `Deploy window open: ${what(r)}`,
    description: `${r.environment}'s deployment window is open. The ${r.action} was approved while it was closed; approving it again on the Deployments tab runs it now.`,
    link: entityPath(r.component, 'deployments'),
    scope: `stagecraft:approval:${r.id}:window`,
  };
}
