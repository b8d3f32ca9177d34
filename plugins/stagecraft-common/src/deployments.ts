import type { EnvironmentPhase, Origin } from './environments';
import type { ApprovalRequest } from './operations';

/** An immutable snapshot of what runs: content-hashed, never changed. @public */
export interface Release {
  /** `r-` + 12 hex characters of the content hash. */
  id: string;
  /** Entity ref of the component, e.g. `component:default/checkout`. */
  component: string;
  /** The image of the main container (after any override). */
  image: string;
  /** The workload spec (Score v1b1) the release was made from. */
  workload: unknown;
  configVersion?: string;
  createdBy: string;
  createdAt: string;
}

/** How a revision came to be. @public */
export type RevisionAction =
  | 'deploy'
  | 'promote'
  | 'rollback'
  | 'restart'
  | 'scale'
  | 'pause'
  | 'resume'
  | 'clone'
  | 'remove';

/** One change of what runs in (component, environment). @public */
export interface DeploymentRevision {
  component: string;
  environment: string;
  /** 1, 2, 3… per (component, environment). */
  revision: number;
  releaseId: string;
  image: string;
  action: RevisionAction;
  actor: string;
  at: string;
  /** Environment the release was promoted from. */
  from?: string;
  /** Replicas applied with this revision. */
  replicas?: number;
  /** The component's `backstage.io/kubernetes-id` (labels of its objects). */
  kubernetesId?: string;
  /** Objects the apply changed (`Kind/name`). */
  changed: string[];
  /** The config versions merged into this revision, e.g. `env3.cmp2`. */
  configVersion?: string;
  /** Unified diff of what the apply changed (truncated at 64 KiB). */
  diff?: string;
  /** The template run that made this revision, when one did. */
  origin?: Origin;
  /** Last rollout restart (pod template annotation), carried forward. */
  restartedAt?: string;
  /** The approval it ran on, for protected environments. */
  approval?: { id: string; approvers: string[] };
  /**
   * The API server's `Warning` headers on this revision's writes
   * (`Kind/name: text`: deprecated APIs, Pod Security warn/audit levels).
   */
  warnings?: string[];
  /** Set in GitOps environments: the commit this revision is in Git. */
  delivery?: RevisionDelivery;
}

/** Where a GitOps revision was written. @public */
export interface RevisionDelivery {
  mode: 'gitops';
  repository: string;
  branch: string;
  /** The component's folder in the repository. */
  path: string;
  /** The commit holding this revision's files (the branch's head when nothing changed). */
  commit: string;
}

/**
 * The GitOps stage of a revision: committed (pushed by Stagecraft) →
 * fetched (Flux's GitRepository artifact holds the commit) → applied (the
 * Kustomization's last applied revision holds it); failed when Flux cannot
 * apply it (its Ready message says why). The rollout itself is `status`. @public
 */
export interface GitopsStatus {
  stage: 'committed' | 'fetched' | 'applied' | 'failed';
  repository: string;
  branch: string;
  path: string;
  commit: string;
  /** The GitRepository's artifact revision (a sha). */
  fetchedRevision?: string;
  /** The Kustomization's last applied revision (a sha). */
  appliedRevision?: string;
  /** The Kustomization's Ready message. */
  message?: string;
  /**
   * Hand edits of the live workload since this revision (its field
   * managers: neither Flux, Kubernetes' controllers nor Stagecraft).
   */
  clusterEdits?: Array<{ object: string; manager: string; at: string }>;
  /** Commits to the component's folder made after this revision by someone else. */
  changedOutside?: Array<{
    sha: string;
    author: string;
    message: string;
    at: string;
  }>;
}

/** Body of `POST /components/:ref/deploy`. @public */
export interface DeployRequest {
  environment: string;
  /** Image (or tag) override for the main container, e.g. `ghcr.io/acme/app:1.2.0`. */
  image?: string;
  /** Inline workload spec; defaults to the component's `stagecraft.io/workload`. */
  workload?: unknown;
  replicas?: number;
  /** Server-side dry run: returns the diff, changes nothing. */
  dryRun?: boolean;
  /** The template run asking (recorded on the revision). */
  origin?: Origin;
}

/** What a deploy, promote or rollback returns. @public */
export interface DeployResult {
  release: Release;
  /** Absent for a dry run. */
  revision?: DeploymentRevision;
  /** Unified diff of live vs desired objects (dry runs, and real deploys too). */
  diff: string;
  dryRun: boolean;
  /**
   * Set when the target environment requires approval: nothing was applied
   * yet; the release runs once the request is approved (HTTP 202).
   */
  pending?: ApprovalRequest;
  /**
   * A deploy without an image keeps the images of the release running in
   * the environment: only configuration (and the rest of the workload) changes.
   */
  configOnly?: boolean;
  /** Every object the deploy writes (or, dry run, would write), resources' included. */
  objects?: DeployObject[];
  /** The API server's `Warning` headers on the (dry-run) apply, `Kind/name: text`. */
  warnings?: string[];
}

/** One object a deploy writes. @public */
export interface DeployObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** `workload`, or `resource:<name>` for a resource driver's objects. */
  source: string;
  /**
   * create / update / unchanged (from a server-side dry run against the live
   * object); `create-if-absent` for generated Secrets, never read or shown.
   */
  change: 'create' | 'update' | 'unchanged' | 'create-if-absent';
}

/** Where a rollout stands. @public */
export type RolloutPhase =
  | 'progressing'
  | 'complete'
  | 'failed'
  | 'scaled-to-zero'
  | 'paused'
  | 'missing';

/** Live status of a component in one environment, from the watch cache. @public */
export interface DeploymentStatus {
  phase: RolloutPhase;
  /** Why it failed or is stuck, e.g. ImagePullBackOff or ProgressDeadlineExceeded. */
  reason?: string;
  message?: string;
  /** The release the Deployment's pod template carries. */
  release?: string;
  image?: string;
  replicas: {
    desired: number;
    updated: number;
    ready: number;
    available: number;
  };
  pods: {
    total: number;
    running: number;
    pending: number;
    failed: number;
    ready: number;
  };
  /** When the cache last saw a change. */
  observedAt?: string;
  /**
   * Set while the cluster cannot be read (credentials refused, unreachable),
   * naming it: the rest is the last status seen, not a live one.
   */
  clusterError?: string;
}

/** A component in one environment: its current revision and live status. @public */
export interface EnvironmentDeployment {
  environment: string;
  tier: string;
  revision?: DeploymentRevision;
  status: DeploymentStatus;
  /** Scaled to zero by pause (phase `paused`); resume gives its replicas back. */
  paused?: boolean;
  /**
   * The environment's phase when it is not `Ready` (e.g. `Deleting`: its
   * namespace is going, so the status winds down rather than rolls out).
   */
  environmentPhase?: Exclude<EnvironmentPhase, 'Ready'>;
  /** Position in the promotion pipeline (absent for previews). */
  order?: number;
  /** Where a promotion from this environment goes (explicit or the pipeline's next). */
  promotesTo?: string;
  /** In GitOps environments: where the current revision stands in Git and Flux. */
  gitops?: GitopsStatus;
}

/** A configuration value: string, number, boolean or JSON. @public */
export type ConfigValue =
  | string
  | number
  | boolean
  | null
  | ConfigValue[]
  | { [key: string]: ConfigValue };

/** One version of the values of a scope (an environment, or a component in one). @public */
export interface ConfigVersion {
  /** `environment:<env>` or `<component ref>@<env>` */
  scope: string;
  version: number;
  values: Record<string, ConfigValue>;
  actor: string;
  at: string;
  message?: string;
  /** Keys added, changed or removed by this version. */
  changed: string[];
}

/** The layers and the merged result for a component in an environment. @public */
export interface EffectiveConfig {
  environment: string;
  component?: string;
  layers: Array<{
    layer: 'environment-type' | 'environment' | 'component';
    version?: number;
    values: Record<string, ConfigValue>;
  }>;
  values: Record<string, ConfigValue>;
  /** e.g. `env3.cmp2`: the versions merged, recorded by deploys. */
  version: string;
}

/** What Stagecraft shows of a secret: never its value. @public */
export interface SecretKeyInfo {
  key: string;
  /** 1, 2, 3… per key: each set or rotation is a new version. */
  version: number;
  /** A short fingerprint to tell values apart (salted SHA-256, 12 hex). */
  hash: string;
  updatedBy: string;
  updatedAt: string;
}

/**
 * What `PUT /secrets` answers: the key's new version, and the API server's
 * `Warning` headers on the Secret's writes (`Kind/name: text`), if any.
 * @public
 */
export interface SetSecretResult extends SecretKeyInfo {
  warnings?: string[];
}
