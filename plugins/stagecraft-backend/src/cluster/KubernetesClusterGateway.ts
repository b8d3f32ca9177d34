import { KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '@stagecraft/backstage-plugin-stagecraft-common';
import { ServiceUnavailableError } from '../domain/errors';
import type {
  ClusterGateway,
  ClusterProbe,
  ClusterWarning,
  ClusterRef,
  ClusterWatchTransport,
  KubeObject,
  KubeObjectRef,
  PodMetrics,
  PodResources,
  UsageSource,
} from '../domain/ports';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import type { ClusterConnection } from './clusterConfig';
import { AuthStrategies, describeAuth, toKubeConfig } from './clusterAuth';
import { describeError } from './clusterErrors';
import { kubeConfigTransport } from './Reflector';
import { METRICS_UNSERVED, podMetricsOf, podResources } from './podUsage';
import { HttpMethod, RetryOptions, withRetries } from './retryPolicy';
import {
  applyRequest,
  attemptFailure,
  DEFAULT_BUDGET_MS,
  PathTarget,
  refOfObject,
  RequestOptions,
  ResourcePaths,
  RetryEvent,
  sendRequest,
  warningsOf,
} from './clusterRequest';

export { warningTexts } from './clusterRequest';
export type { RetryEvent } from './clusterRequest';

/** A cluster added, re-authenticated (changed) or dropped at runtime. */
export type ClusterChange =
  | { type: 'added' | 'changed'; name: string; kc: KubeConfig }
  | { type: 'removed'; name: string };

interface Entry {
  connection: ClusterConnection;
  kc: KubeConfig;
  paths: ResourcePaths;
  budgetMs: number;
}

/** The ClusterGateway backed by the real API servers, through @kubernetes/client-node. */
export class KubernetesClusterGateway implements ClusterGateway, UsageSource {
  private readonly clusters = new Map<string, Entry>();
  private readonly strategies = new Map<string, AuthenticationStrategy>();
  private readonly listeners = new Set<(change: ClusterChange) => void>();

  constructor(
    connections: ClusterConnection[],
    private readonly options: {
      retry?: Omit<RetryOptions, 'onRetry'>;
      onRetry?: (event: RetryEvent) => void;
      /** Backstage's auth strategies by authProvider (more: addAuthStrategy). */
      strategies?: AuthStrategies;
    } = {},
  ) {
    for (const c of connections) this.clusters.set(c.name, this.entryOf(c));
  }

  private entryOf(c: ClusterConnection): Entry {
    const kc = toKubeConfig(c, {
      get: key => this.strategies.get(key) ?? this.options.strategies?.get(key),
    });
    return {
      connection: c,
      kc,
      paths: kc.makeApiClient(ResourcePaths),
      budgetMs: c.timeoutMs ?? DEFAULT_BUDGET_MS,
    };
  }

  /**
   * An auth strategy for clusters whose authProvider is `key` (from a module,
   * through stagecraftClusterAuthExtensionPoint); replaces a default.
   */
  addAuthStrategy(key: string, strategy: AuthenticationStrategy) {
    this.strategies.set(key, strategy);
  }

  /**
   * Adds a cluster, or replaces one whose connection changed (new URL, CA or
   * credentials): its watches restart with the new credentials. Unchanged: no-op.
   */
  setCluster(c: ClusterConnection): 'added' | 'changed' | 'unchanged' {
    const known = this.clusters.get(c.name);
    if (known && JSON.stringify(known.connection) === JSON.stringify(c)) {
      return 'unchanged';
    }
    const entry = this.entryOf(c);
    this.clusters.set(c.name, entry);
    const type = known ? 'changed' : 'added';
    this.emit({ type, name: c.name, kc: entry.kc });
    return type;
  }

  /** Drops a cluster: its calls fail as unknown, its watches stop. */
  removeCluster(name: string): boolean {
    if (!this.clusters.delete(name)) return false;
    this.emit({ type: 'removed', name });
    return true;
  }

  /** Where a cluster came from (config key or catalog), undefined when unknown. */
  connection(name: string): ClusterConnection | undefined {
    return this.clusters.get(name)?.connection;
  }

  /** Calls `listener` on every cluster added, changed or removed; returns its removal. */
  onClustersChanged(listener: (change: ClusterChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ClusterChange) {
    for (const l of this.listeners) l(change);
  }

  /** LIST/WATCH on one cluster for the watch cache and the namespace feed. */
  watchTransport(cluster: string): ClusterWatchTransport {
    return kubeConfigTransport(this.kubeConfig(cluster));
  }

  /** The client-node config of a cluster (for the watch cache). */
  kubeConfig(cluster: string): KubeConfig {
    return this.entry(cluster).kc;
  }

  async apply(
    cluster: string,
    objects: KubeObject[],
    options: { dryRun?: boolean } = {},
  ): Promise<KubeObject[]> {
    return (await this.applyWithWarnings(cluster, objects, options)).objects;
  }

  async applyWithWarnings(
    cluster: string,
    objects: KubeObject[],
    options: { dryRun?: boolean; force?: boolean } = {},
  ): Promise<{ objects: KubeObject[]; warnings: ClusterWarning[] }> {
    const applied: KubeObject[] = [];
    const warnings: ClusterWarning[] = [];
    for (const o of objects) {
      applied.push(
        (await this.request(
          cluster,
          'PATCH',
          refOfObject(o),
          applyRequest(o, options.dryRun, warnings, options.force),
        )) as KubeObject,
      );
    }
    return { objects: applied, warnings };
  }

  async mergePatch(
    cluster: string,
    ref: KubeObjectRef,
    patch: Record<string, unknown>,
  ): Promise<ClusterWarning[]> {
    const warnings: ClusterWarning[] = [];
    // the answer (the whole object, Secret data included) is dropped unread
    await this.request(cluster, 'PATCH', ref, {
      query: { fieldManager: FIELD_MANAGER },
      body: JSON.stringify(patch),
      contentType: PatchStrategy.MergePatch,
      onWarnings: warningsOf(`${ref.kind}/${ref.name}`, warnings),
    });
    return warnings;
  }

  async get(
    cluster: string,
    ref: KubeObjectRef,
  ): Promise<KubeObject | undefined> {
    try {
      return (await this.request(cluster, 'GET', ref)) as KubeObject;
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return undefined;
      throw e;
    }
  }

  async create(cluster: string, object: KubeObject): Promise<boolean> {
    try {
      // the answer (Secret data included) is dropped unread
      await this.request(cluster, 'POST', refOfObject(object), {
        query: { fieldManager: FIELD_MANAGER },
        body: JSON.stringify(object),
        contentType: 'application/json',
      });
      return true;
    } catch (e) {
      // AlreadyExists: keep what is there, without reading it
      if ((e as { name?: string }).name === 'ConflictError') return false;
      throw e;
    }
  }

  async delete(cluster: string, ref: KubeObjectRef): Promise<void> {
    try {
      await this.request(cluster, 'DELETE', ref);
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError') return;
      throw e;
    }
  }

  async kindScope(
    cluster: string,
    apiVersion: string,
    kind: string,
  ): Promise<'Namespaced' | 'Cluster' | undefined> {
    const { paths, budgetMs } = this.entry(cluster);
    // API discovery is a GET (cached by client-node once it succeeded)
    return withRetries(
      'GET',
      async () => {
        try {
          const resource = await paths.describe(apiVersion, kind);
          if (!resource) return undefined;
          return resource.namespaced ? 'Namespaced' : 'Cluster';
        } catch (e) {
          // client-node reports an apiVersion the server does not serve as 404
          if ((e as { code?: number }).code === 404) return undefined;
          throw attemptFailure(cluster, e);
        }
      },
      this.policy(cluster, 'GET', budgetMs),
    );
  }

  /**
   * Read-modify-write of one object with optimistic concurrency: GET, let
   * `mutate` change the live object, PUT it back with the resourceVersion it
   * was read at. A 409 (someone wrote in between) re-reads and tries again,
   * at most `attempts` times; then the ConflictError is the caller's.
   * Stagecraft's own writes are server-side applies and merge patches, which
   * do not race on resourceVersion; this is for callers that must edit what
   * is live (tested against the real API server with concurrent writers).
   */
  async readModifyWrite(
    cluster: string,
    ref: KubeObjectRef,
    mutate: (live: KubeObject) => KubeObject,
    attempts = 5,
  ): Promise<KubeObject> {
    for (let attempt = 1; ; attempt++) {
      const live = await this.get(cluster, ref);
      if (!live) {
        const err = new Error(`${ref.kind}/${ref.name} not found`);
        err.name = 'NotFoundError';
        throw err;
      }
      const next = mutate(JSON.parse(JSON.stringify(live)));
      next.metadata.resourceVersion = live.metadata.resourceVersion;
      try {
        return (await this.request(cluster, 'PUT', ref, {
          query: { fieldManager: FIELD_MANAGER },
          body: JSON.stringify(next),
          contentType: 'application/json',
        })) as KubeObject;
      } catch (e) {
        if ((e as Error).name !== 'ConflictError' || attempt >= attempts) {
          throw e;
        }
        // jittered pause so racing writers spread out before re-reading
        await new Promise(r => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  async pods(cluster: string, namespace: string): Promise<PodResources[]> {
    return podResources(
      await this.request(cluster, 'GET', {
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
      }),
    );
  }

  /** A namespace's core/v1 Events (one LIST, retried like every GET). */
  async listEvents(
    cluster: string,
    namespace: string,
  ): Promise<{ items?: unknown[]; metadata?: { resourceVersion?: string } }> {
    return (await this.request(cluster, 'GET', {
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
    })) as { items?: unknown[]; metadata?: { resourceVersion?: string } };
  }

  async podMetrics(cluster: string, namespace: string): Promise<PodMetrics> {
    try {
      return podMetricsOf(
        await this.request(
          cluster,
          'GET',
          {
            path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(
              namespace,
            )}/pods`,
          },
          // one try: an absent or down metrics API is an answer, not a fault
          { maxAttempts: 1 },
        ),
      );
    } catch (e) {
      const status = (e as { status?: number }).status;
      const reason = status && METRICS_UNSERVED[status];
      if (reason)
        return { served: false, reason: `cluster ${cluster} ${reason}` };
      throw e;
    }
  }

  private policy(cluster: string, method: HttpMethod, budgetMs: number) {
    return {
      ...this.options.retry,
      budgetMs,
      budgetSpent: (ms: number) =>
        new ServiceUnavailableError(
          `cluster ${cluster} unavailable: no answer within its time budget of ${
            ms / 1000
          } s`,
        ),
      onRetry: (info: { attempt: number; delayMs: number; reason: string }) =>
        this.options.onRetry?.({ cluster, method, ...info }),
    };
  }

  /** One call to an API server under the cluster's retry policy (clusterRequest.ts). */
  private async request(
    cluster: string,
    method: HttpMethod,
    ref: KubeObjectRef | PathTarget,
    options: RequestOptions = {},
  ): Promise<unknown> {
    const entry = this.entry(cluster);
    return sendRequest(
      cluster,
      entry,
      method,
      ref,
      options,
      this.policy(cluster, method, entry.budgetMs),
    );
  }

  private entry(cluster: string) {
    const entry = this.clusters.get(cluster);
    if (!entry) {
      throw new ServiceUnavailableError(`unknown cluster "${cluster}"`);
    }
    return entry;
  }

  listClusters(): ClusterRef[] {
    return [...this.clusters.keys()].map(name => ({ name }));
  }

  async probe(
    cluster: string,
    { timeoutMs }: { timeoutMs: number },
  ): Promise<ClusterProbe> {
    const entry = this.clusters.get(cluster);
    const started = Date.now();
    if (!entry) {
      return {
        reachable: false,
        error: `unknown cluster "${cluster}"`,
        latencyMs: 0,
      };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      // with Stagecraft's credentials: a refused one (401) is an error here
      const version = (await Promise.race([
        this.request(cluster, 'GET', { path: '/version' }, { maxAttempts: 1 }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ])) as { gitVersion: string };
      return {
        reachable: true,
        version: version.gitVersion,
        latencyMs: Date.now() - started,
      };
    } catch (e) {
      return {
        reachable: false,
        error: `${describeError(e)} (auth: ${describeAuth(entry.connection)})`,
        latencyMs: Date.now() - started,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
