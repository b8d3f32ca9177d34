import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from '@stagecraft/backstage-plugin-stagecraft-common';
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
} from '../domain/ports';
import type { ClusterConnection } from './clusterConfig';

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

const header = (ref: KubeObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: {
    name: ref.name,
    ...(ref.namespace && { namespace: ref.namespace }),
  },
});

/** The ClusterGateway backed by the real API servers, through @kubernetes/client-node. */
export class KubernetesClusterGateway implements ClusterGateway {
  private readonly clusters: Map<
    string,
    { kc: KubeConfig; objects: KubernetesObjectApi }
  >;

  constructor(connections: ClusterConnection[]) {
    this.clusters = new Map(
      connections.map(c => {
        const kc = toKubeConfig(c);
        return [c.name, { kc, objects: KubernetesObjectApi.makeApiClient(kc) }];
      }),
    );
  }

  /** The client-node config of a cluster (for the watch cache). */
  kubeConfig(cluster: string): KubeConfig {
    return this.entry(cluster).kc;
  }

  async apply(cluster: string, objects: KubeObject[]): Promise<KubeObject[]> {
    const api = this.entry(cluster).objects;
    const applied: KubeObject[] = [];
    for (const o of objects) {
      try {
        applied.push(
          (await api.patch(
            o as KubernetesObject,
            undefined,
            undefined,
            FIELD_MANAGER,
            false,
            PatchStrategy.ServerSideApply,
          )) as KubeObject,
        );
      } catch (e) {
        throw toDomainError(cluster, e);
      }
    }
    return applied;
  }

  async get(
    cluster: string,
    ref: KubeObjectRef,
  ): Promise<KubeObject | undefined> {
    try {
      return (await this.entry(cluster).objects.read(
        header(ref),
      )) as KubeObject;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw toDomainError(cluster, e);
    }
  }

  async delete(cluster: string, ref: KubeObjectRef): Promise<void> {
    try {
      await this.entry(cluster).objects.delete(header(ref));
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return;
      throw toDomainError(cluster, e);
    }
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
