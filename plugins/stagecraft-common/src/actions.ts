/**
 * What a user may do, and why not: one answer from the backend that the UI,
 * templates and the API agree on (issue 18).
 */

/** One stage of a promotion pipeline. @public */
export interface PipelineStage {
  environment: string;
  tier: string;
  type: string;
  /** Position in the pipeline (type order, else tier); absent for previews. */
  order?: number;
  /** The environment a promotion from here goes to. */
  promotesTo?: string;
  /** `promotesTo`: set on the environment; `pipeline`: the next stage by order. */
  promotesToSource?: 'promotesTo' | 'pipeline';
}

/** The environments of one system (or, without a system, one owner), in order. @public */
export interface PromotionPipeline {
  system?: string;
  owner?: string;
  stages: PipelineStage[];
}

/**
 * Why an action is not allowed, first failing check first: `not-provisioned`,
 * `forbidden`, `window-closed`, `pending-approval`, `quota`,
 * `nothing-to-roll-back`, `paused` / `not-paused`; and where they apply
 * `not-deployed`, `no-promotion-target`, `not-pausable`, `no-expiry`,
 * `already-provisioned`, `no-pending-approval`, `own-request`,
 * `not-requester`, `not-approver`.
 * @public
 */
export type ActionReasonCode =
  | 'not-provisioned'
  | 'forbidden'
  | 'window-closed'
  | 'pending-approval'
  | 'quota'
  | 'nothing-to-roll-back'
  | 'paused'
  | 'not-paused'
  | 'not-deployed'
  | 'no-promotion-target'
  | 'not-pausable'
  | 'no-expiry'
  | 'already-provisioned'
  | 'no-pending-approval'
  | 'own-request'
  | 'not-requester'
  | 'not-approver';

/** A reason a person can read (the tooltip of a disabled control). @public */
export interface ActionReason {
  code: ActionReasonCode;
  /** A sentence, e.g. "payments-staging is not provisioned yet". */
  message: string;
  /** For `window-closed`: when the next deployment window opens (RFC 3339). */
  nextAllowedAt?: string;
}

/** Whether one action is allowed now. @public */
export interface ActionState {
  allowed: boolean;
  reason?: ActionReason;
}

/** Actions on a component in one environment. @public */
export type ComponentActionName =
  | 'deploy'
  | 'promote'
  | 'rollback'
  | 'restart'
  | 'scale'
  | 'approve'
  | 'reject'
  | 'withdraw'
  | 'configUpdate'
  | 'secretUpdate';

/** Actions on an environment. @public */
export type EnvironmentActionName =
  | 'provision'
  | 'pause'
  | 'resume'
  | 'delete'
  | 'extend'
  | 'configUpdate'
  | 'secretUpdate';

/** `GET /components/{ref}/actions?environment=…` @public */
export interface ComponentActions {
  component: string;
  environment: string;
  actions: Record<ComponentActionName, ActionState>;
  /** Where promote goes (the pipeline's answer), when anywhere. */
  promotesTo?: string;
  /** The pending approval request approve/reject/withdraw act on. */
  pendingApproval?: { id: string; requestedBy: string; action: string };
  /** The most replicas scale may set within the quota. */
  maxReplicas?: number;
  /** Whether the component is paused (scaled to zero by pause) there. */
  paused: boolean;
}

/** `GET /environments/{name}/actions` @public */
export interface EnvironmentActions {
  environment: string;
  provisioned: boolean;
  actions: Record<EnvironmentActionName, ActionState>;
  /** Components deployed there, and whether each is paused. */
  workloads: Array<{ component: string; replicas: number; paused: boolean }>;
  /** The longest `ttl` extend accepts now, from the type's maxTtl. */
  maxTtl?: string;
}

/** One step of a teardown, in the order it runs (reverse of creation). @public */
export interface TeardownStep {
  /** Stable id, e.g. `deployment:component:default/x@env`, `environment:x-dev`, `catalog:component:default/x`. */
  id: string;
  kind: 'deployment' | 'environment' | 'catalog';
  /** What it removes, e.g. `component:default/x@payments-dev`. */
  target: string;
  /** A sentence for the log: "Unregister component:default/x from the catalog". */
  description: string;
  /** After running: done, skipped (already gone) or failed. */
  status?: 'pending' | 'done' | 'skipped' | 'failed';
  message?: string;
}
