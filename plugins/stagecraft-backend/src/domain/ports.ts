/**
 * The collaborators use cases depend on. Plain TypeScript: no Backstage, no
 * HTTP, no Kubernetes client. Real implementations are wired in plugin.ts;
 * tests may substitute fakes of these interfaces (never of the domain).
 */
import type {
  ApprovalRequest,
  ConfigVersion,
  DeploymentRevision,
  Environment,
  Release,
  ResourceAmounts,
} from '@stagecraft/backstage-plugin-stagecraft-common';

// the cluster port is part of Stagecraft's public SPI: a backend module may
// replace the gateway (stagecraftClusterGatewayExtensionPoint), so its types
// live in stagecraft-node (types only: nothing of Backstage reaches the domain)
export type {
  ClusterRef,
  ClusterProbe,
  KubeObject,
  KubeObjectRef,
  ClusterWarning,
  ClusterGateway,
  ClusterWatchTransport,
  ClusterListPage,
} from '@stagecraft/backstage-plugin-stagecraft-node';
/** Who acts: a user or a service, with opaque credentials for the Authorizer. */
export interface Actor {
  /** `user:default/alice`, or `plugin:<id>` / `system:reaper` for services. */
  ref: string;
  /** Opaque to the domain; the Authorizer implementation knows the type. */
  credentials?: unknown;
}

/** Permission names of the use cases (mirror stagecraft-common's permissions). */
export type StagecraftAction =
  | 'environment.create'
  | 'environment.read'
  | 'environment.update'
  | 'environment.delete'
  | 'deployment.create'
  | 'deployment.promote'
  | 'deployment.rollback'
  | 'deployment.read'
  | 'config.read'
  | 'config.update'
  | 'secret.update'
  | 'resource.provision'
  | 'resource.read'
  | 'deployment.approve'
  | 'deployment.operate'
  | 'logs.read'
  | 'events.read';

/** Decides whether an actor may do something (backed by Backstage permissions). */
export interface Authorizer {
  /**
   * One decision per resource name (or a single decision when `resources`
   * is omitted, for actions without a resource such as create).
   */
  authorize(
    actor: Actor,
    action: StagecraftAction,
    resources?: string[],
  ): Promise<boolean[]>;
  /**
   * The environments among `records` the actor may act on, decided once for
   * the whole list (a policy's conditions applied as a filter), so a list
   * never reveals what the actor may not see. Optional: without it, lists
   * ask `authorize` for every record.
   */
  filter?<T extends EnvironmentRecord>(
    actor: Actor,
    action: StagecraftAction,
    records: T[],
  ): Promise<T[]>;
  /**
   * The same decisions as `authorize` for several actions on one
   * environment, each refusal with a sentence saying why (the failing rule
   * of a conditional decision). Optional: without it, refusals get a
   * generic sentence.
   */
  explain?(
    actor: Actor,
    requests: Array<{ action: StagecraftAction; verb: string }>,
    env: EnvironmentRecord,
  ): Promise<Array<{ allowed: boolean; message?: string }>>;
}

/** One audited change. Never carries secret values. */
export interface AuditEvent {
  action: string;
  actor: string;
  targetKind:
    | 'environment'
    | 'deployment'
    | 'config'
    | 'secret'
    | 'resource'
    | 'source'
    | 'catalog';
  target: string;
  outcome: 'succeeded' | 'failed';
  details?: Record<string, unknown>;
  error?: string;
}

/** Records every change (database row + Backstage auditor event). */
export interface Auditor {
  record(event: AuditEvent): Promise<void>;
}

/** The record Stagecraft keeps of an environment. @public */
export type EnvironmentRecord = Omit<Environment, 'objects' | 'message'> & {
  message?: string;
};

/** Persistence of environments and the audit trail. */
export interface EnvironmentStore {
  getEnvironment(name: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  putEnvironment(record: EnvironmentRecord): Promise<void>;
  deleteEnvironment(name: string): Promise<void>;
  listExpired(now: Date): Promise<EnvironmentRecord[]>;
  /** The audit trail of one environment, oldest first (kept after deletion). */
  listAudit(target: string): Promise<Array<AuditEvent & { at: string }>>;
}

/** Time, injectable for tests. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/**
 * What every use case decides and records with: the permission decisions
 * and the audit trail. Each service's dependencies extend it.
 */
export interface Guarded {
  authorizer: Authorizer;
  auditor: Auditor;
}

/** The dependencies most use cases share: the guard, the environments, the time. */
export interface UseCaseDeps extends Guarded {
  environments: EnvironmentStore;
  clock: Clock;
}

/** Progress of long work (namespace deletion…), for logs and task output. */
export type ProgressListener = (message: string) => void;

/** Releases (immutable) and the revision history of each deployment. */
export interface DeploymentStore {
  getRelease(id: string): Promise<Release | undefined>;
  /** Stores a release unless one with the same id exists (ids are content hashes). */
  putRelease(release: Release): Promise<void>;
  /** Appends a revision, numbering it; returns it with its number. */
  appendRevision(
    revision: Omit<DeploymentRevision, 'revision'>,
  ): Promise<DeploymentRevision>;
  /** Revisions of (component, environment), newest first. */
  listRevisions(
    component: string,
    environment: string,
  ): Promise<DeploymentRevision[]>;
  /** The latest revision of every environment a component is deployed in. */
  listCurrent(component: string): Promise<DeploymentRevision[]>;
  /** The latest revision of every component deployed in an environment. */
  listCurrentIn(environment: string): Promise<DeploymentRevision[]>;
  /** Revisions a template run made (origin task id), newest first. */
  listRevisionsByTask(taskId: string): Promise<DeploymentRevision[]>;
}

/** A component as the deployment use cases need it. */
export interface ComponentInfo {
  /** `component:<namespace>/<name>` */
  ref: string;
  name: string;
  /** The value of `backstage.io/kubernetes-id` (defaults to the name). */
  kubernetesId: string;
  owner?: string;
  system?: string;
  /** JSON schema of its configuration values (`stagecraft.io/config-schema`). */
  configSchema?: unknown;
}

/** Finds components and their workload spec (catalog + the spec's location). */
export interface WorkloadSource {
  /** NotFoundError when the component does not exist for this actor. */
  component(ref: string, actor: Actor): Promise<ComponentInfo>;
  /**
   * The raw workload spec text (YAML) of a component; InputError when it
   * has none. `readFile` reads a file next to it (Score `files[].source`),
   * given a path relative to the workload file; without it such files are
   * refused.
   */
  workload(
    component: ComponentInfo,
    actor: Actor,
  ): Promise<{
    text: string;
    source: string;
    readFile?: (path: string) => Promise<Buffer>;
  }>;
}

/**
 * Live Deployments, ReplicaSets and Pods from the watch cache. Reads never
 * reach the API server; subscribers hear which workload changed.
 */
export interface WorkloadObserver {
  observe(
    cluster: string,
    namespace: string,
    kubernetesId: string,
  ): import('./deployments/status').WorkloadObjects;
  /** When the cache last synced each cluster (undefined: not yet). */
  syncedAt(cluster: string): Date | undefined;
  /**
   * Why the cluster cannot be read now (credentials refused, forbidden,
   * unreachable), naming it; undefined while it reads.
   */
  clusterError?(cluster: string): string | undefined;
  subscribe(
    listener: (change: {
      cluster: string;
      namespace: string;
      kubernetesId: string;
    }) => void,
  ): () => void;
}

/** A pod as its namespace's quota counts it. */
export interface PodResources {
  name: string;
  /** What owns it: a Deployment (through its ReplicaSet), StatefulSet, … or the pod itself. */
  workload: { kind: string; name: string };
  /** Its `backstage.io/kubernetes-id` label (Stagecraft's components). */
  kubernetesId?: string;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

/** What the metrics API says each pod uses now, or why it cannot say. */
export type PodMetrics =
  | { served: true; pods: Array<{ name: string } & ResourceAmounts> }
  | { served: false; reason: string };

/**
 * What runs in a namespace and what it uses, read from the cluster: its
 * pods (everything that counts against the ResourceQuota, whoever made it)
 * and the metrics API (metrics.k8s.io, served by metrics-server).
 */
export interface UsageSource {
  /** The namespace's pods that are not finished (Succeeded/Failed pods count against no quota). */
  pods(cluster: string, namespace: string): Promise<PodResources[]>;
  /**
   * Current usage per pod; `served: false` with the reason when the cluster
   * has no metrics API (404), it is unavailable (503) or not readable (403).
   */
  podMetrics(cluster: string, namespace: string): Promise<PodMetrics>;
}

/** Versioned configuration values per scope. */
export interface ConfigStore {
  /** Appends the next version of a scope, numbering it. */
  appendConfigVersion(
    version: Omit<ConfigVersion, 'version'>,
  ): Promise<ConfigVersion>;
  /** Versions of a scope, newest first. */
  listConfigVersions(scope: string): Promise<ConfigVersion[]>;
  getConfigVersion(
    scope: string,
    version: number,
  ): Promise<ConfigVersion | undefined>;
}

/** A resource provisioned in an environment, as Stagecraft records it. */
export interface ResourceRecord {
  environment: string;
  /** Object name in the namespace (unique per environment). */
  name: string;
  /** What the name stands for: `id:<id>` (shared) or `<component>#<resource>`. */
  key: string;
  type: string;
  class: string;
  id?: string;
  driver: string;
  /** The definition's id and params as provisioned (for deprovisioning). */
  definition: { id: string; params: Record<string, unknown> };
  /** The request's params (validated plain data). */
  params: Record<string, unknown>;
  /** Objects the driver wrote, in the environment's namespace. */
  objects: Array<{ apiVersion: string; kind: string; name: string }>;
  /** Output names; `secret` ones are Secret key references. */
  outputs: Array<{ name: string; secret: boolean }>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A workload's request of a resource (who asked for it). */
export interface ResourceConsumerRecord {
  environment: string;
  /** The resource's name (ResourceRecord.name). */
  name: string;
  component: string;
  /** The resource's name in the workload (`resources.<resource>`). */
  resource: string;
  actor: string;
  at: string;
}

/** Persistence of provisioned resources and their consumers. */
export interface ResourceStore {
  getResource(
    environment: string,
    name: string,
  ): Promise<ResourceRecord | undefined>;
  listResources(environment: string): Promise<ResourceRecord[]>;
  putResource(record: ResourceRecord): Promise<void>;
  /** Replaces what one component requests in an environment. */
  setConsumers(
    environment: string,
    component: string,
    consumers: ResourceConsumerRecord[],
  ): Promise<void>;
  listConsumers(environment: string): Promise<ResourceConsumerRecord[]>;
  /** Forgets one resource and its consumers. */
  deleteResource(environment: string, name: string): Promise<void>;
}

/** Approval requests of protected deploys. */
export interface ApprovalStore {
  putApproval(request: ApprovalRequest): Promise<void>;
  getApproval(id: string): Promise<ApprovalRequest | undefined>;
  listApprovals(filter: {
    component?: string;
    environment?: string;
    state?: string;
  }): Promise<ApprovalRequest[]>;
}

/** The spec of an Environment declared in the catalog (e.g. in YAML), as provisioning takes it. */
export interface DeclaredEnvironment {
  /** `environment:<namespace>/<name>` */
  ref: string;
  type?: string;
  tier: string;
  owner: string;
  system?: string;
  cluster?: string;
  namespace?: string;
  promotesTo?: string;
}

/** Environments declared in the catalog, read with the actor's credentials. */
export interface EnvironmentDeclarations {
  /** The declaration of `name`, or undefined when the catalog has none. */
  declared(
    name: string,
    actor: Actor,
  ): Promise<DeclaredEnvironment | undefined>;
}

/** Who a user is and which groups they belong to (ownership refs). */
export interface Directory {
  ownershipOf(actor: Actor): Promise<string[]>;
}

/** Whether an owner reference names an entity (a Group or User of the catalog). */
export interface OwnerDirectory {
  exists(ownerRef: string, actor: Actor): Promise<boolean>;
}

/** How urgent a notice is (users filter and mute by it). */
export type NoticeSeverity = 'critical' | 'high' | 'normal' | 'low';

/** A message to people, by catalog entity ref (a group reaches its members). */
export interface Notice {
  recipients: string[];
  /** Users who must not get it (the one who caused it). */
  exclude?: string[];
  /** What it is about, e.g. `stagecraft-approvals`: settings mute by topic. */
  topic: string;
  severity: NoticeSeverity;
  title: string;
  description: string;
  /** A path in the app (`/catalog/default/component/x/deployments`). */
  link?: string;
  /** Notices of the same scope replace one another rather than pile up. */
  scope?: string;
}

/**
 * Tells people what needs them or what happened. Best effort: it never
 * throws (a notification that cannot be sent never fails a change).
 */
export interface Notifier {
  notify(notice: Notice): Promise<void>;
}

/** The owner of a catalog component, read with the backend's own credentials. */
export interface ComponentOwners {
  ownerOf(componentRef: string): Promise<string | undefined>;
}
