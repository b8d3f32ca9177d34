import { LABELS } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { PodMetrics, PodResources } from '../domain/ports';
import { cpuCores, memoryBytes } from '../domain/operations/quantity';

type Amounts = PodResources['requests'];
export const sum = (a: Amounts, b: Amounts): Amounts => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
});
const max = (a: Amounts, b: Amounts): Amounts => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
});
export const amounts = (r: Record<string, unknown> | undefined): Amounts => ({
  cpu: cpuCores(r?.cpu) ?? 0,
  memory: memoryBytes(r?.memory) ?? 0,
});

/**
 * A pod's requests or limits as its ResourceQuota counts them: the sum of its
 * containers, at least its largest init container, plus its overhead.
 */
export function podAmounts(spec: any, field: 'requests' | 'limits'): Amounts {
  const zero = { cpu: 0, memory: 0 };
  const containers = ((spec?.containers ?? []) as any[])
    .map(c => amounts(c.resources?.[field]))
    .reduce(sum, zero);
  const init = ((spec?.initContainers ?? []) as any[])
    .map(c => amounts(c.resources?.[field]))
    .reduce(max, zero);
  return sum(max(containers, init), amounts(spec?.overhead));
}

/** The workload that owns a pod (a ReplicaSet's Deployment by its name). */
export function ownerOf(pod: any): { kind: string; name: string } {
  const owner = ((pod.metadata?.ownerReferences ?? []) as any[]).find(
    o => o.controller,
  );
  if (!owner) return { kind: 'Pod', name: pod.metadata.name };
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}

/** Why actual usage is unknown, by the metrics API's answer. */
export const METRICS_UNSERVED: Record<number, string> = {
  404: 'does not serve the metrics API (metrics.k8s.io); install metrics-server for actual usage',
  503: 'has a metrics API (metrics.k8s.io) that is not available right now (is metrics-server running?)',
  403: "does not let Stagecraft's identity read pod metrics (grant get/list on metrics.k8s.io pods)",
};

/** The pods of a namespace's pod list as the ResourceQuota counts them. */
export function podResources(answer: unknown): PodResources[] {
  const list = answer as { items?: any[] };
  return (
    (list.items ?? [])
      // as the ResourceQuota counts: not finished, not past its deletion
      .filter(
        p =>
          !['Succeeded', 'Failed'].includes(p.status?.phase) &&
          !(
            p.metadata?.deletionTimestamp &&
            Date.parse(p.metadata.deletionTimestamp) <= Date.now()
          ),
      )
      .map(p => {
        const kubernetesId = p.metadata?.labels?.[LABELS.kubernetesId];
        return {
          name: p.metadata.name,
          workload: ownerOf(p),
          ...(kubernetesId && { kubernetesId }),
          requests: podAmounts(p.spec, 'requests'),
          limits: podAmounts(p.spec, 'limits'),
        };
      })
  );
}

/** Actual usage per pod from the metrics API's pod list. */
export function podMetricsOf(answer: unknown): PodMetrics {
  const list = answer as { items?: any[] };
  return {
    served: true,
    pods: (list.items ?? []).map(m => ({
      name: m.metadata.name,
      ...((m.containers ?? []) as any[])
        .map(c => amounts(c.usage))
        .reduce(sum, { cpu: 0, memory: 0 }),
    })),
  };
}
