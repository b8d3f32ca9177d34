/**
 * What logs and events need from the clusters. Plain TypeScript, like
 * ../ports.ts; the Kubernetes implementation is cluster/ObservabilityGateway.ts.
 */

/** One container's log as `GET pods/{pod}/log` reads it (`timestamps=true`). */
export interface PodLogRequest {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  previous: boolean;
  sinceSeconds?: number;
  tailLines?: number;
}

/** Pod logs, streamed through the API server (never the browser to the cluster). */
export interface PodLogSource {
  /**
   * Opens one container's log: resolves once the API server answered (an
   * error before any line: 400/404 for a container or previous instance that
   * does not exist, ServiceUnavailableError), then yields its lines
   * (`<RFC 3339 time> <text>`, no newline) until the log ends (not
   * following) or `signal` aborts, which closes the cluster connection.
   */
  openPodLog(
    cluster: string,
    request: PodLogRequest,
    signal: AbortSignal,
  ): Promise<AsyncIterable<string>>;
}

/** A core/v1 Event as the domain reads it. */
export interface KubeEvent {
  uid: string;
  type: string;
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string };
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** events.k8s.io-style events set this instead of first/lastTimestamp. */
  eventTime?: string;
  /** When the series last repeated (newer events). */
  seriesLastObserved?: string;
  seriesCount?: number;
}

/** The core/v1 Events of a namespace, listed or watched. */
export interface ClusterEventSource {
  listEvents(cluster: string, namespace: string): Promise<KubeEvent[]>;
  /**
   * Lists, then watches the namespace's events; `onEvents` gets every event
   * currently known each time one is added, changed or deleted. The returned
   * function stops the watch (and closes its cluster connection).
   */
  watchEvents(
    cluster: string,
    namespace: string,
    onEvents: (events: KubeEvent[]) => void,
    onError: (e: Error) => void,
  ): Promise<() => void>;
}
