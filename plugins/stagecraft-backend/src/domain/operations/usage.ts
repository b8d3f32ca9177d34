import type {
  EnvironmentUsage,
  ResourceAmounts,
  UsageMetrics,
  WorkloadUsage,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, PodMetrics, UsageSource } from '../ports';

export const zero = (): ResourceAmounts => ({ cpu: 0, memory: 0 });
/** Millicore precision: 0.1 + 0.2 is 0.3 here. */
export const cores = (n: number) => Math.round(n * 1e6) / 1e6;
export const add = (a: ResourceAmounts, b: ResourceAmounts, times = 1) => ({
  cpu: cores(a.cpu + b.cpu * times),
  memory: Math.round(a.memory + b.memory * times),
});

/** What the cluster says about an environment's namespace. */
export interface LiveUsage {
  /** Totals of every unfinished pod: what the ResourceQuota counts. */
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  pods: number;
  workloads: WorkloadUsage[];
  /** Summed from the metrics API, when it answered. */
  actual?: ResourceAmounts;
  metrics: UsageMetrics;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Reads the namespace of an environment through the UsageSource port and
 * sums it per workload (Deployment, StatefulSet, … or bare pod) and in
 * total, with actual usage next to requests where the metrics API answers.
 * `componentOf` names the Stagecraft component of a `backstage.io/kubernetes-id`.
 * Undefined (with the reason) when the cluster could not list the pods.
 */
export async function liveUsage(
  source: UsageSource,
  env: Pick<EnvironmentRecord, 'cluster' | 'namespace'>,
  componentOf: (kubernetesId: string) => string | undefined,
): Promise<LiveUsage | { unavailable: string }> {
  let pods;
  try {
    pods = await source.pods(env.cluster, env.namespace);
  } catch (e) {
    return { unavailable: message(e) };
  }
  let metrics: PodMetrics;
  try {
    metrics = await source.podMetrics(env.cluster, env.namespace);
  } catch (e) {
    metrics = { served: false, reason: message(e) };
  }
  const used = new Map(
    metrics.served ? metrics.pods.map(p => [p.name, p] as const) : [],
  );
  const workloads = new Map<string, WorkloadUsage>();
  let requests = zero();
  let limits = zero();
  let actual: ResourceAmounts | undefined;
  for (const pod of pods) {
    const key = `${pod.workload.kind}/${pod.workload.name}`;
    let w = workloads.get(key);
    if (!w) {
      const component = pod.kubernetesId && componentOf(pod.kubernetesId);
      w = {
        kind: pod.workload.kind,
        name: pod.workload.name,
        ...(component && { component }),
        pods: 0,
        requests: zero(),
        limits: zero(),
      };
      workloads.set(key, w);
    }
    w.pods++;
    w.requests = add(w.requests, pod.requests);
    w.limits = add(w.limits, pod.limits);
    requests = add(requests, pod.requests);
    limits = add(limits, pod.limits);
    const u = used.get(pod.name);
    if (u) {
      w.actual = add(w.actual ?? zero(), u);
      actual = add(actual ?? zero(), u);
    }
  }
  return {
    requests,
    limits,
    pods: pods.length,
    workloads: [...workloads.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    ),
    // no pod yet: nothing uses anything
    ...(metrics.served && { actual: actual ?? zero() }),
    metrics: metrics.served
      ? { available: true }
      : { available: false, reason: metrics.reason },
  };
}

/** Each component's actual usage: the sum over the workloads that run it. */
export function withActual(
  components: EnvironmentUsage['components'],
  workloads: WorkloadUsage[],
): EnvironmentUsage['components'] {
  return components.map(c => {
    const mine = workloads.filter(w => w.component === c.component && w.actual);
    return mine.length
      ? { ...c, actual: mine.reduce((s, w) => add(s, w.actual!), zero()) }
      : c;
  });
}
