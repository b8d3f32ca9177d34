import type {
  ApprovalRequest,
  ConfigValue,
  Release,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ExposurePolicy } from '../policy/exposure';
import type {
  Actor,
  ClusterGateway,
  ClusterWarning,
  ComponentInfo,
  DeploymentStore,
  EnvironmentRecord,
  ProgressListener,
  UseCaseDeps,
  WorkloadObserver,
  WorkloadSource,
} from '../ports';
import type { ResourceOutputs, WorkloadSpec } from '../workloads';
import type { ResourcePreview } from '../resources/preview';
import type { PromotionPipelines } from '../policy/pipeline';
import type { GitopsDelivery } from '../delivery/GitopsDelivery';
import type { GitopsSettings } from '../delivery/ports';

/** Configuration values merged into the workload per environment. */
export interface DeploymentConfigPort {
  effective(
    component: string,
    env: EnvironmentRecord,
  ): Promise<{ values: Record<string, ConfigValue>; version: string }>;
  effectiveAt(
    component: string,
    env: EnvironmentRecord,
    version: string | undefined,
  ): Promise<Record<string, ConfigValue>>;
}

/** Secret keys of a component in an environment, referenced (never read) by deploys. */
export interface DeploymentSecretsPort {
  forDeploy(
    component: string,
    env: EnvironmentRecord,
  ): Promise<{ name: string; keys: string[]; version: string }>;
}

/**
 * Resources the workload requests (Score `resources`): outputs without
 * writing (dry runs, drift, checks) and provisioning before an apply.
 */
export interface DeploymentResourcesPort {
  outputsFor(
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
  ): Promise<ResourceOutputs>;
  provisionFor(
    actor: Actor,
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
    onProgress: ProgressListener,
    warnings?: ClusterWarning[],
  ): Promise<ResourceOutputs>;
  /** What provisioning would write, for dry runs (nothing is written). */
  previewFor?(
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
  ): Promise<ResourcePreview[]>;
}

/** What the gate says about a change into a protected environment. */
export interface DeploymentGate {
  /**
   * Throws when the environment's deployment windows are closed (naming the
   * next opening); returns the pending request when approvals are required,
   * undefined when the change may go ahead.
   */
  admit(request: {
    actor: Actor;
    action: 'deploy' | 'promote' | 'rollback';
    component: string;
    environment: EnvironmentRecord;
    release: Release;
    from?: string;
  }): Promise<ApprovalRequest | undefined>;
}

/** What the deployment use cases are built from. */
export interface DeploymentDeps extends UseCaseDeps {
  gateway: ClusterGateway;
  deployments: DeploymentStore;
  workloads: WorkloadSource;
  observer: WorkloadObserver;
  /** Configuration values merged into the workload per environment (optional). */
  config?: DeploymentConfigPort;
  /** Secret keys of a component in an environment, referenced (never read) by deploys. */
  secrets?: DeploymentSecretsPort;
  /**
   * Resources the workload requests (Score `resources`): outputs without
   * writing (dry runs, drift, checks) and provisioning before an apply.
   */
  resources?: DeploymentResourcesPort;
  /**
   * The promotion pipeline (order from environment types, promotesTo or
   * the next stage): promote's default target and the deployments
   * answer's order and targets.
   */
  pipeline?: PromotionPipelines;
  /** What objects may expose per environment (exposureByType); unchecked when absent. */
  exposure?: (env: EnvironmentRecord) => ExposurePolicy;
  /** The Ingress host of a component in an environment (from its type's pattern), if any. */
  ingressHost?: (
    component: string,
    env: EnvironmentRecord,
  ) => string | undefined;
  /** Allow promoting across more than one tier (e.g. development → production). */
  allowTierSkip?: boolean;
  /**
   * Approvals and deployment windows of protected environments: may
   * refuse (window closed) or turn the change into a pending request.
   */
  gate?: DeploymentGate;
  /**
   * How long the status read path may reuse what it read from the store
   * (current revisions per component, environment records), in ms; this
   * replica's own deploys invalidate it at once. 0: read every time.
   */
  readCacheMs?: number;
  /**
   * GitOps delivery: environments whose type has `gitops` settings get
   * commits (applied by Flux) instead of Stagecraft's own apply.
   */
  gitops?: {
    settingsFor(env: EnvironmentRecord): GitopsSettings | undefined;
    delivery: GitopsDelivery;
  };
}
