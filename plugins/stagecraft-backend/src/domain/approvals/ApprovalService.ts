import { randomUUID } from 'node:crypto';
import {
  ApprovalRequest,
  DeployResult,
  Release,
  validateDnsLabel,
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError, NotAllowedError, NotFoundError } from '../errors';
import {
  asObject,
  authorizeOrThrow,
  checkBody,
  permittedNames,
} from '../input';
import type {
  Actor,
  ApprovalStore,
  Auditor,
  Authorizer,
  Clock,
  Directory,
  EnvironmentRecord,
  EnvironmentStore,
} from '../ports';
import type { DeploymentGate } from '../deployments/DeploymentService';
import { normalizeComponentRef } from '../deployments/DeploymentService';
import { ParsedWindow, windowState } from '../policy/windows';

/** What protects an environment: approvals and deployment windows (by its type). */
export interface ProtectionPolicy {
  approvals?: { required: number; group: string };
  windows: ParsedWindow[];
}

const STATES = [
  'pending',
  'rejected',
  'executed',
  'failed',
  'expired',
  'withdrawn',
];
const COMMENT_MAX = 1000;
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

function checkComment(v: unknown): string | undefined {
  return v === undefined || (typeof v === 'string' && v.length <= COMMENT_MAX)
    ? undefined
    : `comment must be text of at most ${COMMENT_MAX} characters`;
}

/**
 * Approvals and deployment windows. As the deployment gate it refuses a
 * change outside the windows (naming the next opening) and turns a change
 * into a protected environment into a pending request; approvers from the
 * type's group (never the requester) approve or reject it, and the last
 * approval runs it, exactly the release that was requested. Audited.
 */
export class ApprovalService implements DeploymentGate {
  constructor(
    private readonly deps: {
      store: ApprovalStore;
      environments: EnvironmentStore;
      authorizer: Authorizer;
      auditor: Auditor;
      clock: Clock;
      directory: Directory;
      policyFor(env: EnvironmentRecord): ProtectionPolicy;
      /** Runs an approved request (DeploymentService.runRelease). */
      execute(actor: Actor, request: ApprovalRequest): Promise<DeployResult>;
    },
  ) {}

  async admit(request: {
    actor: Actor;
    action: 'deploy' | 'promote' | 'rollback';
    component: string;
    environment: EnvironmentRecord;
    release: Release;
    from?: string;
  }): Promise<ApprovalRequest | undefined> {
    const env = request.environment;
    const policy = this.deps.policyFor(env);
    const now = this.deps.clock.now();
    const window = windowState(policy.windows, now);
    if (!window.open) {
      const message = `${
        env.name
      } is outside its deployment windows; next allowed at ${window.nextAt.toISOString()}`;
      await this.audit(
        request.actor,
        'approval.window',
        request.component,
        env.name,
        'failed',
        {
          nextAllowedAt: window.nextAt.toISOString(),
        },
        message,
      );
      throw new ConflictError(message);
    }
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
    await this.audit(
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
    return pending;
  }

  /** Requests the actor may see (deployment.read on their environment). */
  async list(actor: Actor, query: unknown): Promise<ApprovalRequest[]> {
    const q = asObject(query ?? {});
    checkBody(q, ['component', 'environment', 'state'], {
      environment: v =>
        v === undefined
          ? undefined
          : validateDnsLabel(v, 'environment')?.message,
      state: v =>
        v === undefined || STATES.includes(v as string)
          ? undefined
          : `state must be one of ${STATES.join(', ')}`,
    });
    const component =
      q.component === undefined
        ? undefined
        : normalizeComponentRef(q.component);
    // the state filter applies after requests of deleted environments expired
    const stored = await this.deps.store.listApprovals({
      ...(component && { component }),
      ...(q.environment !== undefined && {
        environment: q.environment as string,
      }),
    });
    // each environment read once, for every request in it
    const names = [...new Set(stored.map(r => r.environment))];
    const records = await Promise.all(
      names.map(n => this.deps.environments.getEnvironment(n)),
    );
    const present = new Set(names.filter((_, i) => records[i]));
    const requests = await Promise.all(
      stored.map(r => this.expireIfOrphaned(r, present.has(r.environment))),
    );
    const readable = await permittedNames(
      { authorizer: this.deps.authorizer, store: this.deps.environments },
      actor,
      'deployment.read',
      requests.map(r => r.environment),
    );
    // an environment that is gone has no owner to ask: its requests stay
    // visible to the requester and the approver group
    const groups = requests.some(r => r.environmentGone)
      ? (await this.deps.directory.ownershipOf(actor)).map(lower)
      : [];
    return requests
      .filter(
        r =>
          readable.has(r.environment) ||
          (r.environmentGone &&
            (r.requestedBy === actor.ref || groups.includes(lower(r.group)))),
      )
      .filter(r => q.state === undefined || r.state === q.state)
      .map(({ environmentGone: _, ...r }) => r);
  }

  /**
   * A pending request whose environment was deleted can never run: it
   * becomes `expired` (stored and audited) the first time it is read.
   */
  private async expireIfOrphaned(
    request: ApprovalRequest,
    environmentExists: boolean,
  ): Promise<ApprovalRequest & { environmentGone?: boolean }> {
    if (environmentExists) return request;
    if (request.state !== 'pending') {
      return { ...request, environmentGone: true };
    }
    const error = `environment "${request.environment}" was deleted before the request was decided`;
    const next: ApprovalRequest = {
      ...request,
      state: 'expired',
      error,
      updatedAt: this.deps.clock.now().toISOString(),
    };
    await this.deps.store.putApproval(next);
    await this.audit(
      { ref: 'system:stagecraft' },
      'approval.expire',
      request.component,
      request.environment,
      'succeeded',
      { id: request.id, releaseId: request.releaseId },
      error,
    );
    return { ...next, environmentGone: true };
  }

  async get(actor: Actor, id: unknown): Promise<ApprovalRequest> {
    const request = await this.require(id);
    await this.authorize(actor, 'deployment.read', request);
    return request;
  }

  async approve(
    actor: Actor,
    id: unknown,
    body: unknown,
  ): Promise<ApprovalRequest> {
    const b = asObject(body ?? {});
    checkBody(b, ['comment'], { comment: checkComment });
    const request = await this.decidable(actor, id);
    if (request.approvals.some(a => a.by === actor.ref)) return request;
    const now = this.deps.clock.now().toISOString();
    let next: ApprovalRequest = {
      ...request,
      approvals: [
        ...request.approvals,
        {
          by: actor.ref,
          at: now,
          ...(b.comment !== undefined && { comment: b.comment as string }),
        },
      ],
      updatedAt: now,
    };
    await this.audit(
      actor,
      'approval.approve',
      request.component,
      request.environment,
      'succeeded',
      {
        id: request.id,
        approvals: next.approvals.length,
        required: request.required,
      },
    );
    if (next.approvals.length < request.required) {
      await this.deps.store.putApproval(next);
      return next;
    }
    const env = await this.deps.environments.getEnvironment(
      request.environment,
    );
    const window = env
      ? windowState(this.deps.policyFor(env).windows, this.deps.clock.now())
      : ({ open: true } as const);
    if (!window.open) {
      await this.deps.store.putApproval(next);
      throw new ConflictError(
        `approved, but ${
          request.environment
        } is outside its deployment windows; approve again after ${window.nextAt.toISOString()} to run it`,
      );
    }
    try {
      const result = await this.deps.execute(actor, next);
      next = {
        ...next,
        state: 'executed',
        ...(result.revision && { revision: result.revision.revision }),
        updatedAt: this.deps.clock.now().toISOString(),
      };
    } catch (e) {
      next = {
        ...next,
        state: 'failed',
        error: (e as Error).message,
        updatedAt: this.deps.clock.now().toISOString(),
      };
    }
    await this.deps.store.putApproval(next);
    await this.audit(
      actor,
      'approval.execute',
      request.component,
      request.environment,
      next.state === 'executed' ? 'succeeded' : 'failed',
      { id: request.id, release: request.releaseId, revision: next.revision },
      next.error,
    );
    return next;
  }

  async reject(
    actor: Actor,
    id: unknown,
    body: unknown,
  ): Promise<ApprovalRequest> {
    const b = asObject(body ?? {});
    checkBody(b, ['comment'], { comment: checkComment });
    const request = await this.decidable(actor, id, 'reject');
    return this.close(actor, request, 'rejected', b.comment);
  }

  /**
   * The requester takes back their own pending request: nothing runs.
   * Only the requester (with read access to the environment); audited.
   */
  async withdraw(
    actor: Actor,
    id: unknown,
    body: unknown,
  ): Promise<ApprovalRequest> {
    const b = asObject(body ?? {});
    checkBody(b, ['comment'], { comment: checkComment });
    const request = await this.require(id);
    await this.authorize(actor, 'deployment.read', request);
    const refuse = async (error: Error) => {
      await this.audit(
        actor,
        'approval.withdraw',
        request.component,
        request.environment,
        'failed',
        { id: request.id },
        error.message,
      );
      throw error;
    };
    if (request.requestedBy !== actor.ref) {
      await refuse(
        new NotAllowedError(
          `only ${request.requestedBy}, who requested this ${request.action}, may withdraw it`,
        ),
      );
    }
    if (request.state !== 'pending') {
      await refuse(
        new ConflictError(
          `approval request ${request.id} is ${request.state}; only pending requests are withdrawn`,
        ),
      );
    }
    return this.close(actor, request, 'withdrawn', b.comment);
  }

  /** Ends a pending request without running it: rejected, or withdrawn by its requester. */
  private async close(
    actor: Actor,
    request: ApprovalRequest,
    state: 'rejected' | 'withdrawn',
    comment: unknown,
  ): Promise<ApprovalRequest> {
    const now = this.deps.clock.now().toISOString();
    const decision = {
      by: actor.ref,
      at: now,
      ...(comment !== undefined && { comment: comment as string }),
    };
    const next: ApprovalRequest = {
      ...request,
      state,
      ...(state === 'rejected'
        ? { rejection: decision }
        : { withdrawal: decision }),
      updatedAt: now,
    };
    await this.deps.store.putApproval(next);
    await this.audit(
      actor,
      state === 'rejected' ? 'approval.reject' : 'approval.withdraw',
      request.component,
      request.environment,
      'succeeded',
      { id: request.id, release: request.releaseId, action: request.action },
    );
    return next;
  }

  /** A pending request the actor may decide: permission, group, not their own. */
  private async decidable(
    actor: Actor,
    id: unknown,
    verb: 'approve' | 'reject' = 'approve',
  ): Promise<ApprovalRequest> {
    const request = await this.require(id);
    await this.authorize(actor, 'deployment.approve', request);
    if (request.state !== 'pending') {
      throw new ConflictError(
        `approval request ${request.id} is ${request.state}`,
      );
    }
    if (request.requestedBy === actor.ref) {
      throw new NotAllowedError(
        verb === 'reject'
          ? `${actor.ref} requested this change and cannot reject it; withdraw it instead (POST /approvals/${request.id}/withdraw)`
          : `${actor.ref} requested this change and cannot approve it; another member of ${request.group} must`,
      );
    }
    const groups = (await this.deps.directory.ownershipOf(actor)).map(g =>
      g.toLocaleLowerCase('en-US'),
    );
    if (!groups.includes(request.group.toLocaleLowerCase('en-US'))) {
      throw new NotAllowedError(
        `${actor.ref} is not a member of ${request.group}, which approves changes to ${request.environment}`,
      );
    }
    return request;
  }

  private async require(id: unknown): Promise<ApprovalRequest> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) {
      throw new ValidationError([
        { field: 'id', message: 'id must be an approval request id (a UUID)' },
      ]);
    }
    const request = await this.deps.store.getApproval(id);
    if (!request) throw new NotFoundError(`approval request ${id} not found`);
    const { environmentGone: _, ...current } = await this.expireIfOrphaned(
      request,
      Boolean(await this.deps.environments.getEnvironment(request.environment)),
    );
    return current;
  }

  private async authorize(
    actor: Actor,
    action: 'deployment.read' | 'deployment.approve',
    request: ApprovalRequest,
  ) {
    await authorizeOrThrow(
      this.deps,
      actor,
      action,
      request.environment,
      {
        targetKind: 'deployment',
        target: `${request.component}@${request.environment}`,
      },
      `${actor.ref} is not allowed to ${
        action === 'deployment.read' ? 'see' : 'decide'
      } approval requests in environment "${request.environment}"`,
    );
  }

  private async audit(
    actor: Actor,
    action: string,
    component: string,
    environment: string,
    outcome: 'succeeded' | 'failed',
    details: Record<string, unknown>,
    error?: string,
  ) {
    await this.deps.auditor.record({
      action,
      actor: actor.ref,
      targetKind: 'deployment',
      target: `${component}@${environment}`,
      outcome,
      details,
      ...(error && { error }),
    });
  }
}
