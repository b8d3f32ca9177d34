import {
  ApprovalRequest,
  DeployResult,
  validateDnsLabel,
  InputError,
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
  Directory,
  EnvironmentRecord,
  Notifier,
  UseCaseDeps,
} from '../ports';
import { auditApproval } from './audit';
import { approvalDecided } from '../notifications/notices';
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

/** The optional comment of an approve, reject or withdraw body (400 on any other field). */
function decisionComment(body: unknown): string | undefined {
  const b = asObject(body ?? {});
  checkBody(b, ['comment'], { comment: checkComment });
  return b.comment as string | undefined;
}

/** A decision on a request: who, when, and their comment if any. */
function decision(actor: Actor, at: string, comment: string | undefined) {
  return {
    by: actor.ref,
    at,
    ...(comment !== undefined && { comment }),
  };
}

/**
 * Approval requests: approvers from the type's group (never the requester)
 * approve or reject a request the gate ({@link ApprovalGate}) opened, and
 * the last approval runs it, exactly the release that was requested; the
 * requester may withdraw it. Audited.
 */
export class ApprovalService {
  constructor(
    private readonly deps: UseCaseDeps & {
      store: ApprovalStore;
      directory: Directory;
      policyFor(env: EnvironmentRecord): ProtectionPolicy;
      /** Runs an approved request (DeploymentService.runRelease). */
      execute(actor: Actor, request: ApprovalRequest): Promise<DeployResult>;
      /** Tells the requester of the decision. */
      notifier?: Notifier;
    },
  ) {}

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
    await auditApproval(
      this.deps.auditor,
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
    const comment = decisionComment(body);
    const request = await this.decidable(actor, id);
    if (request.approvals.some(a => a.by === actor.ref)) return request;
    const now = this.deps.clock.now().toISOString();
    let next: ApprovalRequest = {
      ...request,
      approvals: [...request.approvals, decision(actor, now, comment)],
      updatedAt: now,
    };
    await auditApproval(
      this.deps.auditor,
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
    await auditApproval(
      this.deps.auditor,
      actor,
      'approval.execute',
      request.component,
      request.environment,
      next.state === 'executed' ? 'succeeded' : 'failed',
      { id: request.id, release: request.releaseId, revision: next.revision },
      next.error,
    );
    await this.notifyDecision(next);
    return next;
  }

  async reject(
    actor: Actor,
    id: unknown,
    body: unknown,
  ): Promise<ApprovalRequest> {
    const comment = decisionComment(body);
    const request = await this.decidable(actor, id, 'reject');
    return this.close(actor, request, 'rejected', comment);
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
    const comment = decisionComment(body);
    const request = await this.require(id);
    await this.authorize(actor, 'deployment.read', request);
    const refuse = async (error: Error) => {
      await auditApproval(
        this.deps.auditor,
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
    return this.close(actor, request, 'withdrawn', comment);
  }

  /** Ends a pending request without running it: rejected, or withdrawn by its requester. */
  private async close(
    actor: Actor,
    request: ApprovalRequest,
    state: 'rejected' | 'withdrawn',
    comment: string | undefined,
  ): Promise<ApprovalRequest> {
    const now = this.deps.clock.now().toISOString();
    const made = decision(actor, now, comment);
    const next: ApprovalRequest = {
      ...request,
      state,
      ...(state === 'rejected' ? { rejection: made } : { withdrawal: made }),
      updatedAt: now,
    };
    await this.deps.store.putApproval(next);
    await auditApproval(
      this.deps.auditor,
      actor,
      state === 'rejected' ? 'approval.reject' : 'approval.withdraw',
      request.component,
      request.environment,
      'succeeded',
      { id: request.id, release: request.releaseId, action: request.action },
    );
    await this.notifyDecision(next);
    return next;
  }

  private async notifyDecision(request: ApprovalRequest) {
    const notice = approvalDecided(request);
    if (notice) await this.deps.notifier?.notify(notice);
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
      throw new InputError([
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
}
