import type { Actor, Auditor } from '../ports';

/**
 * Records one approval event on the change it is about
 * (`<component>@<environment>`, target kind `deployment`).
 */
export async function auditApproval(
  auditor: Auditor,
  actor: Actor,
  action: string,
  component: string,
  environment: string,
  outcome: 'succeeded' | 'failed',
  details: Record<string, unknown>,
  error?: string,
) {
  await auditor.record({
    action,
    actor: actor.ref,
    targetKind: 'deployment',
    target: `${component}@${environment}`,
    outcome,
    details,
    ...(error && { error }),
  });
}
