import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** A cluster Stagecraft may talk to, as configured by an administrator. @public */
export interface ClusterRef {
  name: string;
}

/** Outcome of probing one cluster's API server. @public */
export type ClusterProbe =
  | { reachable: true; version: string; latencyMs: number }
  | { reachable: false; error: string; latencyMs: number };

/** A Kubernetes object as the gateway reads and writes it. @public */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    deletionTimestamp?: string | Date;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Identifies one object: apiVersion, kind, name and (for namespaced kinds) namespace. @public */
export interface KubeObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * A `Warning` header the API server answered a write with (a deprecated
 * API, a Pod Security warn or audit level, a workload controller whose pods
 * `would violate PodSecurity`). @public
 */
export interface ClusterWarning {
  /** The object written, `Kind/name`. */
  object: string;
  /** The warning's text, unquoted. */
  message: string;
}

/** Everything the domain needs from Kubernetes goes through this port. @public */
export interface ClusterGateway {
  /** The configured clusters, in configuration order. */
  listClusters(): ClusterRef[];
  /** Asks the cluster's API server for its version within `timeoutMs`. */
  probe(cluster: string, options: { timeoutMs: number }): Promise<ClusterProbe>;
  /**
   * Server-side apply (field manager `stagecraft`, never forced) of each
   * object in order; returns the live objects. A conflict with another field
   * manager fails with a ConflictError naming it.
   */
  apply(
    cluster: string,
    objects: KubeObject[],
    options?: { dryRun?: boolean },
  ): Promise<KubeObject[]>;
  /**
   * `apply`, also returning every `Warning` header the API server answered
   * with, per object, in order.
   */
  applyWithWarnings(
    cluster: string,
    objects: KubeObject[],
    options?: {
      dryRun?: boolean;
      /**
       * With `dryRun` only: take over fields other managers own, to ask
       * whether the API server would accept the objects from whoever
       * writes them (GitOps: Flux applies with force). Ignored otherwise.
       */
      force?: boolean;
    },
  ): Promise<{ objects: KubeObject[]; warnings: ClusterWarning[] }>;
  /**
   * A JSON merge patch of one object (null removes a key). Only for Secret
   * data, which Stagecraft writes without ever reading it back. Resolves to
   * the API server's `Warning` headers on it (a gateway that does not read
   * them resolves to nothing).
   */
  mergePatch(
    cluster: string,
    ref: KubeObjectRef,
    patch: Record<string, unknown>,
  ): Promise<ClusterWarning[] | void>;
  /** Reads one object; undefined when it does not exist. */
  get(cluster: string, ref: KubeObjectRef): Promise<KubeObject | undefined>;
  /** Deletes one object; succeeds when it is already gone. */
  delete(cluster: string, ref: KubeObjectRef): Promise<void>;
  /**
   * Creates an object unless one of that name exists (POST; 409 AlreadyExists
   * is false). The existing object is neither read nor changed, and the
   * answer is dropped unread: for Secrets Stagecraft generates once.
   */
  create(cluster: string, object: KubeObject): Promise<boolean>;
  /**
   * Whether a kind is namespaced on this cluster (API discovery);
   * undefined when the cluster does not serve that apiVersion/kind.
   */
  kindScope(
    cluster: string,
    apiVersion: string,
    kind: string,
  ): Promise<'Namespaced' | 'Cluster' | undefined>;
  /**
   * LIST and WATCH of raw API paths on one cluster, as Stagecraft's watch
   * cache (live status) and namespace feed (catalog ingestion) read them.
   * A gateway without it still deploys, but Stagecraft has no live status
   * and no catalog ingestion for its clusters (and says so at start-up).
   */
  watchTransport?(cluster: string): ClusterWatchTransport | undefined;
}

/** One page of a LIST answer. @public */
export interface ClusterListPage {
  items: unknown[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * LIST and WATCH on one cluster's API server, by path (e.g.
 * `/apis/apps/v1/deployments`) and query (`labelSelector`, `limit`,
 * `continue`, `resourceVersion`, `allowWatchBookmarks`, `timeoutSeconds`). @public
 */
export interface ClusterWatchTransport {
  /** One LIST request; rejects with `statusCode` set on HTTP errors (410 Gone included). */
  list(
    path: string,
    query: Record<string, string | number>,
  ): Promise<ClusterListPage>;
  /**
   * Opens a WATCH; `onEvent` gets each event (`ADDED`, `MODIFIED`,
   * `DELETED`, `BOOKMARK`, `ERROR`), `onDone` is called once when the stream
   * ends (`err` unset for a normal close). Returns its abort.
   */
  watch(
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: (type: string, object: any) => void,
    onDone: (err?: unknown) => void,
  ): Promise<() => void>;
}

/**
 * Replaces the cluster gateway of the Stagecraft backend: every read and
 * write of Kubernetes objects (deploys, environments, resources, the guarded
 * apply) goes through it. Give `watchTransport` too and the watch cache (live
 * status) and the namespace feed (catalog ingestion) keep working on the
 * gateway's clusters. Without a module the backend uses its own gateway over
 * `@kubernetes/client-node` and the clusters of its config.
 *
 * @public
 */
export interface StagecraftClusterGatewayExtensionPoint {
  /** At most one module may set it; a second call fails the backend's start. */
  setClusterGateway(gateway: ClusterGateway): void;
}

/** @public */
export const stagecraftClusterGatewayExtensionPoint =
  createExtensionPoint<StagecraftClusterGatewayExtensionPoint>({
    id: 'stagecraft.cluster-gateway',
  });
