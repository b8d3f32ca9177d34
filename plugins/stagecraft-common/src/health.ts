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
  /** `unconfigured`: no cluster at all (`message` names the config key). */
  status: 'ok' | 'degraded' | 'unconfigured';
  clusters: ClusterHealth[];
  /** Why the status is `unconfigured`. */
  message?: string;
}
