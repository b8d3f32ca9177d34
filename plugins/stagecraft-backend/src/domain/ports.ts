/**
 * The collaborators use cases depend on. Plain TypeScript: no Backstage, no
 * HTTP, no Kubernetes client. Real implementations are wired in plugin.ts;
 * tests may substitute fakes of these interfaces (never of the domain).
 */

/** A cluster Stagecraft may talk to, as configured by an administrator. */
export interface ClusterRef {
  name: string;
}

/** Outcome of probing one cluster's API server. */
export type ClusterProbe =
  | { reachable: true; version: string; latencyMs: number }
  | { reachable: false; error: string; latencyMs: number };

/** Everything the domain needs from Kubernetes goes through this port. */
export interface ClusterGateway {
  /** The configured clusters, in configuration order. */
  listClusters(): ClusterRef[];
  /** Asks the cluster's API server for its version within `timeoutMs`. */
  probe(cluster: string, options: { timeoutMs: number }): Promise<ClusterProbe>;
}
