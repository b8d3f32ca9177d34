import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { imageTag } from '../common/environments';

const NOUNS: Record<ApprovalRequest['action'], string> = {
  deploy: 'deploy',
  promote: 'promotion',
  rollback: 'rollback',
};

/** "promotion", "deploy", "rollback" */
export const actionNoun = (r: Pick<ApprovalRequest, 'action'>) =>
  NOUNS[r.action] ?? r.action;

/** "user:default/jane" → "jane"; other principals as they are. */
export const shortName = (ref: string) => ref.replace(/^user:default\//, '');

/** "Promotion of 1.0.1 (r-abc) from payments-dev to payments-staging" */
export function describeRequest(r: ApprovalRequest): string {
  const noun = actionNoun(r);
  return `${noun[0].toLocaleUpperCase('en-US')}${noun.slice(1)} of ${imageTag(
    r.image,
  )} (${r.releaseId})${r.from ? ` from ${r.from}` : ''} to ${r.environment}`;
}

/** "Waiting for 1 of 2 approvals from group:default/payments" */
export function waitingText(r: ApprovalRequest): string {
  const missing = Math.max(0, r.required - r.approvals.length);
  return `Waiting for ${missing} of ${r.required} approval${
    r.required === 1 ? '' : 's'
  } from ${r.group}`;
}
