import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { ClusterGateway, ClusterProbe, ClusterRef } from '../domain/ports';
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

/** The ClusterGateway backed by the real API servers, through @kubernetes/client-node. */
export class KubernetesClusterGateway implements ClusterGateway {
  private readonly clusters: Map<
    string,
    { connection: ClusterConnection; kc: KubeConfig }
  >;

  constructor(connections: ClusterConnection[]) {
    this.clusters = new Map(
      connections.map(c => [c.name, { connection: c, kc: toKubeConfig(c) }]),
    );
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
