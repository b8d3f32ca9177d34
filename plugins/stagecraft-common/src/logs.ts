/**
 * Logs and Kubernetes events of a component in an environment: the contract
 * of `GET /components/{ref}/logs`, `GET /components/{ref}/cluster-events`
 * and `GET /environments/{name}/cluster-events` (see the backend's
 * openapi.yaml). `/components/{ref}/events` stays the live status stream.
 */

/** One log line of one container, as the backend returns or streams it. @public */
export interface LogLine {
  /** The pod the line comes from (shown on every line when several merge). */
  pod: string;
  container: string;
  /** RFC 3339 time the container runtime stamped (kubelet `timestamps=true`). */
  time: string;
  /** The text without its trailing newline, cut to the backend's maximum line length. */
  text: string;
  /** True when `text` was cut to the maximum line length. */
  truncated?: boolean;
}

/** A pod and its containers that logs can be read from. @public */
export interface LogSourcePod {
  name: string;
  /** Phase as Kubernetes reports it (Running, Pending, Failed, …). */
  phase: string;
  /** Whether the pod belongs to the release running now. */
  current: boolean;
  containers: Array<{
    name: string;
    /** Init containers are listed too; they have logs of their own. */
    init?: boolean;
    restartCount: number;
    /** A previous (terminated) instance exists, so `previous=true` can read it. */
    hasPrevious: boolean;
  }>;
}

/**
 * Query of `GET /components/{ref}/logs`. Without `pod`, every pod of the
 * current release is read and their lines merged in time order.
 * @public
 */
export interface LogQuery {
  environment: string;
  pod?: string;
  container?: string;
  /** Stream new lines as server-sent events (`event: line`). */
  follow?: boolean;
  /** The last terminated instance of the container instead of the running one. */
  previous?: boolean;
  sinceSeconds?: number;
  tailLines?: number;
}

/** Answer of `GET /components/{ref}/logs` without `follow`. @public */
export interface LogsResponse {
  pods: LogSourcePod[];
  lines: LogLine[];
}

/**
 * Server-sent events of `GET /components/{ref}/logs?follow=true`:
 * `event: pods` once (the pods being followed), `event: line` per line,
 * `event: notice` when something the user should know happens (a pod went
 * away, a limit cut the stream), `event: end` when the backend closes it.
 * @public
 */
export type LogStreamEvent =
  | { type: 'pods'; pods: LogSourcePod[] }
  | { type: 'line'; line: LogLine }
  | { type: 'notice'; message: string }
  | { type: 'end'; reason: string };

/** The object a Kubernetes event is about. @public */
export interface ClusterEventObject {
  kind: string;
  name: string;
}

/**
 * A Kubernetes event (core/v1 or events.k8s.io/v1), deduplicated: repeats
 * of the same reason on the same object are one entry with a `count`.
 * @public
 */
export interface ClusterEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  object: ClusterEventObject;
  count: number;
  firstTime: string;
  lastTime: string;
  /** The component the object belongs to, when Stagecraft manages it. */
  component?: string;
}

/**
 * Answer of `GET /components/{ref}/cluster-events?environment=` and
 * `GET /environments/{name}/cluster-events`: newest first. With
 * `watch=true` the same body is streamed as `event: events` every time it
 * changes.
 * @public
 */
export interface ClusterEventsResponse {
  items: ClusterEvent[];
}
