import fetch, { Headers } from 'node-fetch';
import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
} from '@kubernetes/client-node';
import {
  FIELD_MANAGER,
  LABELS,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  ClusterUnavailableError,
  ConflictError,
  NotAllowedError,
} from '../domain/errors';
import type {
  ClusterGateway,
  ClusterProbe,
  ClusterRef,
  KubeObject,
  KubeObjectRef,
  PodMetrics,
  PodResources,
  UsageSource,
} from '../domain/ports';
import { cpuCores, memoryBytes } from '../domain/operations/quantity';
import type { ClusterConnection } from './clusterConfig';
import {
  AttemptFailure,
  HttpMethod,
  parseRetryAfter,
  RetryOptions,
  withRetries,
} from './retryPolicy';

/** Builds a client-node KubeConfig for one configured cluster. */
export function toKubeConfig(c: ClusterConnection): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: c.name,
        server: c.url,
        caData: c.caData,
        caFile: c.caFile,
        skipTLSVerify: c.skipTLSVerify,
      },
    ],
    users: [{ name: 'stagecraft', token: c.serviceAccountToken }],
    contexts: [{ name: c.name, cluster: c.name, user: 'stagecraft' }],
    currentContext: c.name,
  });
  return kc;
}

/** Never let a URL with credentials or a token echo back in an error. */
function describeError(e: unknown): string {
  const err = e as {
    code?: number | string;
    message?: string;
    cause?: { code?: string };
  };
  const code = err.cause?.code ?? err.code;
  const message = String(err.message ?? e)
    .replace(/Bearer\s+\S+/gi, 'Bearer ***')
    .split('\n')[0];
  return code && !message.includes(String(code))
    ? `${code}: ${message}`
    : message;
}

/** The API server's own message of a failed call (its Status body), if any. */
function statusMessage(e: ApiException<unknown>): string {
  try {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    if (body && typeof body === 'object' && 'message' in body) {
      return String((body as { message: unknown }).message);
    }
  } catch {
    // not JSON
  }
  return describeError(e);
}

/**
 * Maps client errors to domain errors: 409 → ConflictError (with the managers
 * the API server names), 403 → NotAllowedError, 400/422 → InputError, anything
 * else (no HTTP answer, 5xx) → ClusterUnavailableError naming the cluster.
 */
function toDomainError(cluster: string, e: unknown): Error {
  if (e instanceof ApiException) {
    const message = `cluster ${cluster}: ${statusMessage(e)}`;
    if (e.code === 409) return new ConflictError(message);
    if (e.code === 403) return new NotAllowedError(message);
    if (e.code === 422 || e.code === 400) {
      const err = new Error(message);
      err.name = 'InputError';
      return err;
    }
    return new ClusterUnavailableError(message);
  }
  return new ClusterUnavailableError(
    `cluster ${cluster} unavailable: ${describeError(e)}`,
  );
}

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

/** A literal API path (lists, the metrics API) instead of an object's. */
type PathTarget = { path: string };

type Amounts = PodResources['requests'];
const sum = (a: Amounts, b: Amounts): Amounts => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
});
const max = (a: Amounts, b: Amounts): Amounts => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
});
const amounts = (r: Record<string, unknown> | undefined): Amounts => ({
  cpu: cpuCores(r?.cpu) ?? 0,
  memory: memoryBytes(r?.memory) ?? 0,
});

/**
 * A pod's requests or limits as its ResourceQuota counts them: the sum of its
 * containers, at least its largest init container, plus its overhead.
 */
function podAmounts(spec: any, field: 'requests' | 'limits'): Amounts {
  const zero = { cpu: 0, memory: 0 };
  const containers = ((spec?.containers ?? []) as any[])
    .map(c => amounts(c.resources?.[field]))
    .reduce(sum, zero);
  const init = ((spec?.initContainers ?? []) as any[])
    .map(c => amounts(c.resources?.[field]))
    .reduce(max, zero);
  return sum(max(containers, init), amounts(spec?.overhead));
}

/** The workload that owns a pod (a ReplicaSet's Deployment by its name). */
function ownerOf(pod: any): { kind: string; name: string } {
  const owner = ((pod.metadata?.ownerReferences ?? []) as any[]).find(
    o => o.controller,
  );
  if (!owner) return { kind: 'Pod', name: pod.metadata.name };
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}

/** Why actual usage is unknown, by the metrics API's answer. */
const METRICS_UNSERVED: Record<number, string> = {
  404: 'does not serve the metrics API (metrics.k8s.io); install metrics-server for actual usage',
  503: 'has a metrics API (metrics.k8s.io) that is not available right now (is metrics-server running?)',
  403: "does not let Stagecraft's identity read pod metrics (grant get/list on metrics.k8s.io pods)",
};

/** The ClusterGateway backed by the real API servers, through @kubernetes/client-node. */
export class KubernetesClusterGateway implements ClusterGateway, UsageSource {
  private readonly clusters: Map<
    string,
    { kc: KubeConfig; paths: ResourcePaths; budgetMs: number }
  >;

  constructor(
    connections: ClusterConnection[],
    private readonly options: {
      retry?: Omit<RetryOptions, 'onRetry'>;
      onRetry?: (event: RetryEvent) => void;
    } = {},
  ) {
    this.clusters = new Map(
      connections.map(c => {
        const kc = toKubeConfig(c);
        return [
          c.name,
          {
            kc,
            paths: kc.makeApiClient(ResourcePaths),
            budgetMs: c.timeoutMs ?? DEFAULT_BUDGET_MS,
          },
        ];
      }),
    );
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
    const applied: KubeObject[] = [];
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
        })) as KubeObject,
      );
    }
    return applied;
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
    const list = (await this.request(cluster, 'GET', {
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    })) as { items?: any[] };
    return (
      (list.items ?? [])
        // as the ResourceQuota counts: not finished, not past its deletion
        .filter(
          p =>
            !['Succeeded', 'Failed'].includes(p.status?.phase) &&
            !(
              p.metadata?.deletionTimestamp &&
              Date.parse(p.metadata.deletionTimestamp) <= Date.now()
            ),
        )
        .map(p => {
          const kubernetesId = p.metadata?.labels?.[LABELS.kubernetesId];
          return {
            name: p.metadata.name,
            workload: ownerOf(p),
            ...(kubernetesId && { kubernetesId }),
            requests: podAmounts(p.spec, 'requests'),
            limits: podAmounts(p.spec, 'limits'),
          };
        })
    );
  }

  async podMetrics(cluster: string, namespace: string): Promise<PodMetrics> {
    let list: { items?: any[] };
    try {
      list = (await this.request(
        cluster,
        'GET',
        {
          path: `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(
            namespace,
          )}/pods`,
        },
        // one try: an absent or down metrics API is an answer, not a fault
        { maxAttempts: 1 },
      )) as { items?: any[] };
    } catch (e) {
      const status = (e as { status?: number }).status;
      const reason = status && METRICS_UNSERVED[status];
      if (reason)
        return { served: false, reason: `cluster ${cluster} ${reason}` };
      throw e;
    }
    return {
      served: true,
      pods: (list.items ?? []).map(m => ({
        name: m.metadata.name,
        ...((m.containers ?? []) as any[])
          .map(c => amounts(c.usage))
          .reduce(sum, { cpu: 0, memory: 0 }),
      })),
    };
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
          // client-node puts the token (and TLS agent) into these options
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
          throw new AttemptFailure(
            Object.assign(
              toDomainError(
                cluster,
                new ApiException(
                  response.status,
                  `HTTP ${response.status}`,
                  text,
                  {},
                ),
              ),
              { status: response.status },
            ),
            {
              status: response.status,
              retryAfterMs: parseRetryAfter(
                response.headers.get('retry-after'),
              ),
            },
          );
        }
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
      const version = await Promise.race([
        entry.kc.makeApiClient(VersionApi).getCode(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return {
        reachable: true,
        version: version.gitVersion,
        latencyMs: Date.now() - started,
      };
    } catch (e) {
      return {
        reachable: false,
        error: describeError(e),
        latencyMs: Date.now() - started,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
