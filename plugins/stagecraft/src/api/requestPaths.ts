import type { LogQuery } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ClusterEventsScope } from './types';

/** The request paths and query strings of StagecraftClient. */

export const enc = encodeURIComponent;

/** The query string of a log request (no `follow`/`format`: the method decides). */
export function logParams(q: LogQuery): Record<string, string | undefined> {
  const str = (v: number | boolean | undefined) =>
    v === undefined ? undefined : String(v);
  return {
    environment: q.environment,
    pod: q.pod || undefined,
    container: q.container || undefined,
    previous: q.previous ? 'true' : undefined,
    sinceSeconds: str(q.sinceSeconds),
    tailLines: str(q.tailLines),
  };
}

export function eventsPath(scope: ClusterEventsScope, watch: boolean) {
  const w = watch ? 'true' : undefined;
  return scope.component
    ? `/components/${enc(scope.component)}/cluster-events?${query({
        environment: scope.environment,
        watch: w,
      })}`
    : `/environments/${enc(scope.environment)}/cluster-events${
        watch ? '?watch=true' : ''
      }`;
}

/** The events of a log stream the client passes on. */
export const LOG_EVENTS = new Set(['pods', 'line', 'notice', 'end']);

/** A query string of the params that are set. */
export function query(params: Record<string, string | undefined>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

/** `path` with the query string of the params that are set, if any. */
export function withQuery(
  path: string,
  params: Record<string, string | undefined>,
) {
  const qs = query(params);
  return qs ? `${path}?${qs}` : path;
}
