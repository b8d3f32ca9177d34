import type { HealthResponse } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ClusterGateway } from '../ports';

/**
 * Reports every configured cluster and whether its API server answers. All
 * clusters are probed in parallel, each with its own timeout, so one slow or
 * dead cluster does not hold up the others.
 */
export async function getHealth(
  deps: { gateway: ClusterGateway },
  options: { timeoutMs: number },
): Promise<HealthResponse> {
  const clusters = await Promise.all(
    deps.gateway.listClusters().map(async ({ name }) => {
      const probe = await deps.gateway.probe(name, options);
      return probe.reachable
        ? {
            name,
            reachable: true,
            version: probe.version,
            latencyMs: probe.latencyMs,
          }
        : {
            name,
            reachable: false,
            error: probe.error,
            latencyMs: probe.latencyMs,
          };
    }),
  );
  if (clusters.length === 0) {
    return {
      status: 'unconfigured',
      clusters,
      message:
        'no cluster is configured: list clusters under kubernetes.clusterLocatorMethods (or stagecraft.clusters), or declare kubernetes-cluster Resources owned by stagecraft.catalogClusters.allowedOwners in the catalog',
    };
  }
  return {
    status: clusters.every(c => c.reachable) ? 'ok' : 'degraded',
    clusters,
  };
}
