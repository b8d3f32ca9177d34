/** Reachability of one configured cluster, as `GET /api/stagecraft/health` reports it. @public */
export interface ClusterHealth {
  name: string;
  reachable: boolean;
  /** Kubernetes server version (gitVersion) when reachable. */
  version?: string;
  /** Round-trip time of the probe in milliseconds. */
  latencyMs?: number;
  /** Why the cluster is unreachable; never contains credentials. */
  error?: string;
}

/** Body of `GET /api/stagecraft/health`. @public */
export interface HealthResponse {
  status: 'ok' | 'degraded';
  clusters: ClusterHealth[];
}
