import { randomUUID } from 'node:crypto';
import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError } from '../errors';
import type {
  Actor,
  ApprovalStore,
  Auditor,
  Clock,
  EnvironmentRecord,
  Notifier,
} from '../ports';
import { approvalRequested } from '../notifications/notices';
import { auditApproval } from './audit';
import type { DeploymentGate } from '../deployments/DeploymentService';
import { windowState } from '../policy/windows';
import type { ProtectionPolicy } from './ApprovalService';

/**
 * The deployment gate every path that puts a release into an environment
 * passes (deploy, promote, rollback, clone, approvals running a request): it
 * refuses a change outside the environment's deployment windows, naming the
 * next opening, and turns a change into a protected environment into a
 * pending approval request (the same request when asked again). Audited.
 * Made before the deployment service, which it guards; the approval service
 * decides the requests it opens.
 */
export class ApprovalGate implements DeploymentGate {
  constructor(
    private readonly deps: {
      store: ApprovalStore;
      auditor: Auditor;
      clock: Clock;
      policyFor(env: EnvironmentRecord): ProtectionPolicy;
      /** Tells the approver group of a new request. */
      notifier?: Notifier;
    },
  ) {}

  /**
   * Refuses (409, naming the next opening; audited) when the environment —
   * an existing one, or one about to be made of that type — is outside its
   * deployment windows.
   */
  async assertWindowOpen(
    actor: Actor,
    component: string,
    env: { name: string; type: string },
  ): Promise<void> {
    const policy = this.deps.policyFor(env as EnvironmentRecord);
    const window = windowState(policy.windows, this.deps.clock.now());
    if (window.open) return;
    const message = `${
      env.name
    } is outside its deployment windows; next allowed at ${window.nextAt.toISOString()}`;
    await auditApproval(
      this.deps.auditor,
      actor,
      'approval.window',
      component,
      env.name,
      'failed',
      { nextAllowedAt: window.nextAt.toISOString() },
      message,
    );
    throw new ConflictError(message);
  }

  async admit(
    request: Parameters<DeploymentGate['admit']>[0],
  ): Promise<ApprovalRequest | undefined> {
    const env = request.environment;
    await this.assertWindowOpen(request.actor, request.component, env);
    const policy = this.deps.policyFor(env);
    const now = this.deps.clock.now();
    if (!policy.approvals) return undefined;
    // asking again for the same change returns the same request
    const waiting = await this.deps.store.listApprovals({
      component: request.component,
      environment: env.name,
      state: 'pending',
    });
    const same = waiting.find(
      r => r.releaseId === request.release.id && r.action === request.action,
    );
    if (same) return same;
    // one change waits at a time: another one is refused until it is
    // decided or withdrawn (what the actions answer says too)
    if (waiting.length) {
      const other = waiting[0];
      throw new ConflictError(
        `a ${other.action} of ${other.component} to ${env.name} (requested by ${
          other.requestedBy
        }) is already waiting for approval; ${
          other.requestedBy === request.actor.ref
            ? `withdraw it first (POST /approvals/${other.id}/withdraw)`
            : 'wait until it is decided'
        }`,
      );
    }
    const pending: ApprovalRequest = {
      id: randomUUID(),
      component: request.component,
      environment: env.name,
      action: request.action,
      releaseId: request.release.id,
      image: request.release.image,
      ...(request.from && { from: request.from }),
      requestedBy: request.actor.ref,
      requestedAt: now.toISOString(),
      required: policy.approvals.required,
      group: policy.approvals.group,
      approvals: [],
      state: 'pending',
      updatedAt: now.toISOString(),
    };
    await this.deps.store.putApproval(pending);
    await auditApproval(
      this.deps.auditor,
      request.actor,
      'approval.request',
      pending.component,
      env.name,
      'succeeded',
      {
        id: pending.id,
        release: pending.releaseId,
        action: pending.action,
        required: pending.required,
        group: pending.group,
      },
    );
    await this.deps.notifier?.notify(approvalRequested(pending));
    return pending;
  }
}
