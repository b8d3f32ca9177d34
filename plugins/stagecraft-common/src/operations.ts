import type { DeployResult } from './deployments';
import type { Environment, Origin } from './environments';
import type { TeardownStep } from './actions';

/** Where an approval request stands. @public */
export type ApprovalState =
  | 'pending'
  | 'rejected'
  | 'executed'
  | 'failed'
  | 'expired'
  | 'withdrawn';

/** One approver's decision. @public */
export interface ApprovalDecision {
  by: string;
  at: string;
  comment?: string;
}

/**
 * A deploy, promotion or rollback into a protected environment that waits for
 * approvals (environment type `approvals`). It runs when enough approvers
 * from the group approved; anyone of them may reject it.
 * @public
 */
export interface ApprovalRequest {
  id: string;
  component: string;
  environment: string;
  action: 'deploy' | 'promote' | 'rollback';
  /** The exact release that will run (immutable). */
  releaseId: string;
  image: string;
  /** For promotions: the environment the release comes from. */
  from?: string;
  requestedBy: string;
  requestedAt: string;
  /** Approvals needed, and from which group. */
  required: number;
  group: string;
  approvals: ApprovalDecision[];
  rejection?: ApprovalDecision;
  /** The requester took the request back (`POST /approvals/{id}/withdraw`). */
  withdrawal?: ApprovalDecision;
  state: ApprovalState;
  /** The revision it made, once executed. */
  revision?: number;
  /** Why it failed, when it did. */
  error?: string;
  updatedAt: string;
}

/** A deploy/promote/rollback answer that waits for approval (HTTP 202). @public */
export type PendingResult = DeployResult & { pending: ApprovalRequest };

/** Body of approve/reject. @public */
export interface ApprovalDecisionRequest {
  comment?: string;
}

/** A deployment window: cron start, length, time zone. @public */
export interface DeployWindow {
  /** Cron expression of the window's starts, e.g. "0 9 * * 1-4". */
  cron: string;
  /** How long each window lasts, e.g. "7h". */
  duration: string;
  /** IANA time zone, e.g. "Europe/Berlin" (default UTC). */
  timeZone?: string;
}

/** Result of pausing or resuming an environment. @public */
export interface PauseResult {
  environment: string;
  /** Each component and the replicas it had (pause) or got back (resume). */
  components: Array<{ component: string; replicas: number; revision: number }>;
}

/** Body of `POST /environments/:name/clone`. @public */
export interface CloneEnvironmentRequest {
  /** The new environment's name. */
  name: string;
  /** Its type (default: the source's). */
  type?: string;
  owner?: string;
  ttl?: string;
  dryRun?: boolean;
  origin?: Origin;
}

/** What a clone did. @public */
export interface CloneResult {
  environment: Environment;
  /**
   * The same releases as the source, one per component. Into a protected
   * type (approvals, deploy windows) a release waits: `pending` is the id of
   * its approval request, and no revision is made until it is approved.
   */
  deployed: Array<{
    component: string;
    releaseId: string;
    revision?: number;
    pending?: string;
  }>;
  /** Configuration keys copied (values, never secrets). */
  configCopied: number;
  /** Secret keys the clone needs set (never copied: write-only). */
  secretsToSet: Array<{ component: string; key: string }>;
}

/** What a template run created and teardown will remove. @public */
export interface TeardownPlan {
  taskId: string;
  environments: Array<{ name: string; namespace: string; tier: string }>;
  /** Deployments the run made into environments it did not create. */
  deployments: Array<{ component: string; environment: string }>;
  /** Catalog entities the run registered (annotation stagecraft.io/scaffolder-task). */
  catalog?: Array<{ entityRef: string }>;
  /** Every removal in the order it runs: the reverse of creation. */
  steps?: TeardownStep[];
}

/** What teardown removed: each step with its outcome. @public */
export interface TeardownResult extends TeardownPlan {
  removed: true;
}

/** Requests (and limits) as numbers: cores and bytes. @public */
export interface ResourceAmounts {
  cpu: number;
  memory: number;
}

/**
 * One workload of an environment's namespace (a Deployment, a StatefulSet
 * of a provisioned resource, … or a bare pod), from its live pods. @public
 */
export interface WorkloadUsage {
  kind: string;
  name: string;
  /** The component it runs, when Stagecraft deployed it. */
  component?: string;
  pods: number;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  /** What its pods use now (metrics.k8s.io), when the cluster serves it. */
  actual?: ResourceAmounts;
}

/** Whether the cluster's metrics API (metrics-server) told actual usage. @public */
export type UsageMetrics =
  | { available: true }
  | { available: false; reason: string };

/**
 * Resource usage of an environment: what everything in its namespace
 * requests and limits (what its ResourceQuota counts), what it actually uses
 * (metrics.k8s.io), and Stagecraft's components. @public
 */
export interface EnvironmentUsage {
  environment: string;
  owner: string;
  tier: string;
  /** The namespace's quota as numbers (cores, bytes, pods). */
  quota: ResourceAmounts & { pods: number };
  /** Of every pod in the namespace that is not finished, whoever made it. */
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  pods: number;
  /** Stagecraft's components: replicas and requests of their releases. */
  components: Array<{
    component: string;
    replicas: number;
    requests: ResourceAmounts;
    limits: ResourceAmounts;
    /** What its pods use now, when the metrics API answers. */
    actual?: ResourceAmounts;
  }>;
  /** Every workload of the namespace, from its live pods. */
  workloads?: WorkloadUsage[];
  /**
   * Estimated monthly cost of the requests (and, when the metrics API
   * answers, of the actual usage), when prices are configured.
   */
  estimate?: { currency: string; monthly: number; actualMonthly?: number };
  /** What the namespace uses now (metrics.k8s.io); absent when unknown. */
  actual?: ResourceAmounts;
  /** Whether actual usage is known, and if not, why (one sentence). */
  metrics?: UsageMetrics;
}

/** Re-exported for the day-2 answers (restart, scale). @public */
export type OperationResult = DeployResult;
