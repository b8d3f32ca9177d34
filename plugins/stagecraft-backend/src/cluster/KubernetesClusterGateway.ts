import fetch, { Headers } from 'node-fetch';
import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from '@stagecraft/backstage-plugin-stagecraft-common';
import { ClusterUnavailableError } from '../domain/errors';
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
import {
  AuthStrategies,
  describeAuth,
  forgetCredentials,
  toKubeConfig,
} from './clusterAuth';
import { describeError, toDomainError } from './clusterErrors';
import { kubeConfigTransport } from './Reflector';
import { METRICS_UNSERVED, podMetricsOf, podResources } from './podUsage';
import {
  AttemptFailure,
  HttpMethod,
  parseRetryAfter,
  RetryOptions,
  withRetries,
} from './retryPolicy';

const refOfObject = (o: KubeObject): KubeObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  ...(o.metadata.namespace && { namespace: o.metadata.namespace }),
});

const header = (ref: KubeObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: {
    name: ref.name,
    ...(ref.namespace && { namespace: ref.namespace }),
  },
});

/**
 * client-node's KubernetesObjectApi, used only for what it does well: finding
 * the REST path of any kind through API discovery (cached). Its typed
 * (de)serializer is bypassed on purpose: it maps JSON through the generated
 * models and silently drops fields whose model name differs from the JSON
 * name (LimitRange `default` becomes `_default` and is lost on the way out).
 */
class ResourcePaths extends KubernetesObjectApi {
  pathOf(
    ref: KubeObjectRef,
    action: 'read' | 'create' = 'read',
  ): Promise<string> {
    return this.specUriPath(header(ref) as KubernetesObject, action);
  }

  /** The discovery entry of a kind (cached by client-node), if served. */
  describe(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

/**
 * Default time budget of one cluster call, retries included (a cluster's
 * `timeoutSeconds` overrides it), and the longest a single try may take.
 */
const DEFAULT_BUDGET_MS = 30_000;
const ATTEMPT_TIMEOUT_MS = 15_000;

/** The transport error code of a failed fetch (ECONNREFUSED, request-timeout…). */
function transportCode(e: unknown): string {
  const err = e as {
    code?: unknown;
    type?: unknown;
    cause?: { code?: unknown };
  };
  return String(err.cause?.code ?? err.code ?? err.type ?? 'network');
}

/** What a retried cluster call reports (metrics, logs). */
export interface RetryEvent {
  cluster: string;
  method: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/**
 * The texts of `Warning` headers (RFC 7234: `299 - "text"`, one header per
 * warning from the API server; quotes and backslashes escaped).
 */
export function warningTexts(values: string[] | undefined): string[] {
  return (values ?? []).flatMap(v => {
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
    if (m) return [m[1].replace(/\\(.)/g, '$1')];
    return v.trim() ? [v.trim()] : [];
  });
}

/** A literal API path (lists, the metrics API) instead of an object's. */
type PathTarget = { path: string };

/** The ClusterGateway backed by the real API servers, through @kubernetes/client-node. */
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
    options: { dryRun?: boolean } = {},
  ): Promise<{ objects: KubeObject[]; warnings: ClusterWarning[] }> {
    const applied: KubeObject[] = [];
    const warnings: ClusterWarning[] = [];
    for (const o of objects) {
      applied.push(
        (await this.request(cluster, 'PATCH', refOfObject(o), {
          query: {
            fieldManager: FIELD_MANAGER,
            force: 'false',
            ...(options.dryRun && { dryRun: 'All' }),
          },
          body: JSON.stringify(o),
          contentType: PatchStrategy.ServerSideApply,
          onWarnings: texts =>
            warnings.push(
              ...texts.map(message => ({
                object: `${o.kind}/${o.metadata.name}`,
                message,
              })),
            ),
        })) as KubeObject,
      );
    }
    return { objects: applied, warnings };
  }

  async mergePatch(
    cluster: string,
    ref: KubeObjectRef,
    patch: Record<string, unknown>,
  ): Promise<void> {
    // the answer (the whole object, Secret data included) is dropped unread
    await this.request(cluster, 'PATCH', ref, {
      query: { fieldManager: FIELD_MANAGER },
      body: JSON.stringify(patch),
      contentType: PatchStrategy.MergePatch,
    });
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
          throw this.attemptFailure(cluster, e);
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
        new ClusterUnavailableError(
          `cluster ${cluster} unavailable: no answer within its time budget of ${
            ms / 1000
          } s`,
        ),
      onRetry: (info: { attempt: number; delayMs: number; reason: string }) =>
        this.options.onRetry?.({ cluster, method, ...info }),
    };
  }

  /** A failed try, classified for the retry policy. */
  private attemptFailure(cluster: string, e: unknown): AttemptFailure {
    if (e instanceof ApiException) {
      return new AttemptFailure(toDomainError(cluster, e), { status: e.code });
    }
    return new AttemptFailure(toDomainError(cluster, e), {
      transport: transportCode(e),
    });
  }

  /**
   * One call to an API server with the cluster's credentials and CA (applied
   * by client-node), the body and answer as plain JSON, under the retry
   * policy (retryPolicy.ts): only what is safe to repeat is repeated, with
   * exponential backoff and jitter, Retry-After honoured, all within the
   * cluster's time budget.
   */
  private async request(
    cluster: string,
    method: HttpMethod,
    ref: KubeObjectRef | PathTarget,
    options: {
      query?: Record<string, string>;
      body?: string;
      contentType?: string;
      maxAttempts?: number;
      /** The `Warning` headers of the answer (only a successful one's). */
      onWarnings?: (warnings: string[]) => void;
    } = {},
  ): Promise<unknown> {
    const { kc, paths, budgetMs } = this.entry(cluster);
    const what = 'path' in ref ? ref.path : `${ref.kind}/${ref.name}`;
    return withRetries(
      method,
      async remainingMs => {
        let response;
        let text;
        try {
          const url = new URL(
            `${kc.getCurrentCluster()!.server}${
              'path' in ref
                ? ref.path
                : await paths.pathOf(ref, method === 'POST' ? 'create' : 'read')
            }`,
          );
          for (const [k, v] of Object.entries(options.query ?? {}))
            url.searchParams.set(k, v);
          for (let fresh = false; ; fresh = true) {
            // client-node puts the credentials (and TLS agent) into these options
            const init = await kc.applyToFetchOptions({});
            const headers = init.headers as unknown as Headers;
            headers.set('Accept', 'application/json');
            if (options.contentType)
              headers.set('Content-Type', options.contentType);
            response = await fetch(url.toString(), {
              ...init,
              method,
              headers,
              body: options.body,
              timeout: Math.max(1, Math.min(remainingMs, ATTEMPT_TIMEOUT_MS)),
            });
            text = await response.text();
            // refused credentials: forget the cached ones (an exec plugin's
            // token, a token file) and ask once more with fresh ones
            if (response.status !== 401 || fresh) break;
            forgetCredentials(kc);
          }
        } catch (e) {
          throw this.attemptFailure(cluster, e);
        }
        if (!response.ok) {
          if (response.status === 404) {
            const err = Object.assign(new Error(`${what} not found`), {
              status: 404,
            });
            err.name = 'NotFoundError';
            throw err;
          }
          const mapped = toDomainError(
            cluster,
            new ApiException(
              response.status,
              `HTTP ${response.status}`,
              text,
              {},
            ),
          );
          throw new AttemptFailure(
            // the cluster's status passes through (e.g. 422), except where
            // the error says the cluster is unavailable (a 503, never the
            // 401/403 the API server gave Stagecraft's own identity)
            mapped.name === 'ServiceUnavailableError'
              ? mapped
              : Object.assign(mapped, { status: response.status }),
            {
              status: response.status,
              retryAfterMs: parseRetryAfter(
                response.headers.get('retry-after'),
              ),
            },
          );
        }
        const warnings = warningTexts(response.headers.raw().warning);
        if (warnings.length) options.onWarnings?.(warnings);
        return text ? JSON.parse(text) : undefined;
      },
      {
        ...this.policy(cluster, method, budgetMs),
        ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
        // a JSON patch (RFC 6902) may add to a list: not safe to repeat
        idempotent:
          method !== 'POST' &&
          options.contentType !== 'application/json-patch+json',
      },
    );
  }

  private entry(cluster: string) {
    const entry = this.clusters.get(cluster);
    if (!entry) {
      throw new ClusterUnavailableError(`unknown cluster "${cluster}"`);
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
