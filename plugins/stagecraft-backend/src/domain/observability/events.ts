import type { ClusterEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeEvent } from './ports';

/** The objects of one component whose events it shows. */
export interface ComponentObjects {
  /** The component ref stamped on each event. */
  component: string;
  /** Its Deployment's (and Service's) name. */
  name: string;
  /** Exact `Kind/name`s known now (the watch cache, its resources' objects). */
  known: Set<string>;
  /** Names of StatefulSets among its resources (their pods are `<name>-<n>`). */
  statefulSets: string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether an event is about one of the component's objects: its Deployment
 * and Service by name, its ReplicaSets (`<name>-<hash>`) and Pods
 * (`<name>-<hash>-<suffix>`) also after the cache forgot them, and the
 * objects of the resources it requested.
 */
export function belongsTo(
  objects: ComponentObjects,
): (e: KubeEvent) => boolean {
  const n = escape(objects.name);
  const rs = new RegExp(`^${n}-[a-z0-9]{1,10}$`);
  const pod = new RegExp(`^${n}-[a-z0-9]{1,10}-[a-z0-9]{5}$`);
  const stsPods = objects.statefulSets.map(
    s => new RegExp(`^${escape(s)}-\\d+$`),
  );
  return e => {
    const { kind, name } = e.involvedObject;
    if (objects.known.has(`${kind}/${name}`)) return true;
    if ((kind === 'Deployment' || kind === 'Service') && name === objects.name)
      return true;
    if (kind === 'ReplicaSet') return rs.test(name);
    if (kind === 'Pod')
      return pod.test(name) || stsPods.some(r => r.test(name));
    return false;
  };
}

const times = (e: KubeEvent) => {
  const last =
    e.seriesLastObserved ??
    e.lastTimestamp ??
    e.eventTime ??
    e.firstTimestamp ??
    '';
  const first = e.firstTimestamp ?? e.eventTime ?? last;
  return { first, last };
};
const ms = (t: string) => (t ? Date.parse(t) : 0) || 0;

/**
 * Events deduplicated: the same reason and message on the same object is one
 * entry, counts summed, first time the earliest and last time the latest
 * (Warning when any repeat was one), newest first.
 */
export function summarize(
  events: KubeEvent[],
  component?: string,
): ClusterEvent[] {
  const byKey = new Map<string, ClusterEvent>();
  for (const e of events) {
    const { kind, name } = e.involvedObject;
    const key = JSON.stringify([kind, name, e.reason, e.message]);
    const { first, last } = times(e);
    const count = Math.max(1, e.count ?? e.seriesCount ?? 1);
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, {
        type: e.type === 'Warning' ? 'Warning' : 'Normal',
        reason: e.reason ?? '',
        message: e.message ?? '',
        object: { kind, name },
        count,
        firstTime: first,
        lastTime: last,
        ...(component && { component }),
      });
      continue;
    }
    known.count += count;
    if (e.type === 'Warning') known.type = 'Warning';
    if (first && (!known.firstTime || ms(first) < ms(known.firstTime)))
      known.firstTime = first;
    if (ms(last) > ms(known.lastTime)) known.lastTime = last;
  }
  return [...byKey.values()].sort(
    (a, b) =>
      ms(b.lastTime) - ms(a.lastTime) ||
      a.object.name.localeCompare(b.object.name) ||
      a.reason.localeCompare(b.reason),
  );
}
