// How the watch cache keeps each object: the few fields status needs, with
// repeated strings interned (see WorkloadCache).
import {
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../domain/ports';

export const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
const REVISION = 'deployment.kubernetes.io/revision';
const RELEASE = 'stagecraft.io/release';
const TEMPLATE_HASH = 'pod-template-hash';

export type WorkloadKind = 'deployments' | 'replicasets' | 'pods';
export const KINDS: WorkloadKind[] = ['deployments', 'replicasets', 'pods'];
export const PATHS: Record<WorkloadKind, string> = {
  deployments: '/apis/apps/v1/deployments',
  replicasets: '/apis/apps/v1/replicasets',
  pods: '/api/v1/pods',
};

type Raw = any;

/**
 * Shares equal strings (namespaces, ids, hashes, phases, images): the fleet
 * repeats a few thousand values across 100k+ objects.
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  of(s: string): string;
  of(s: string | undefined): string | undefined;
  of(s: string | undefined) {
    if (s === undefined) return undefined;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }
}

const defaultInterner = new Interner();

function pick(
  from: Record<string, string> | undefined,
  keys: string[],
  intern: Interner,
): Record<string, string> | undefined {
  if (!from) return undefined;
  let out: Record<string, string> | undefined;
  for (const k of keys) {
    const v = from[k];
    if (v !== undefined) (out ??= {})[k] = intern.of(v);
  }
  return out;
}

type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
};

/**
 * Projections: only the fields the status derivation reads
 * (`domain/deployments/status.ts`) survive into the cache; a full Pod of a
 * few KB becomes a couple of hundred bytes.
 */
export function projectDeployment(
  raw: Raw,
  intern: Interner = defaultInterner,
): KubeObject {
  const m = raw?.metadata ?? {};
  const st = raw?.status ?? {};
  const tpl = raw?.spec?.template;
  const release = tpl?.metadata?.annotations?.[RELEASE];
  const image = tpl?.spec?.containers?.[0]?.image;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: m.name,
      namespace: intern.of(m.namespace),
      ...(m.generation !== undefined && { generation: m.generation }),
      labels: pick(m.labels, [LABELS.kubernetesId], intern),
      annotations: pick(m.annotations, [REVISION], intern),
    },
    spec: {
      replicas: raw?.spec?.replicas,
      template: {
        metadata: release
          ? { annotations: { [RELEASE]: intern.of(release) } }
          : {},
        spec: { containers: image ? [{ image: intern.of(image) }] : [] },
      },
    },
    status: {
      observedGeneration: st.observedGeneration,
      replicas: st.replicas,
      updatedReplicas: st.updatedReplicas,
      readyReplicas: st.readyReplicas,
      availableReplicas: st.availableReplicas,
      conditions: (st.conditions as Condition[] | undefined)?.map(c => ({
        type: intern.of(c.type),
        status: intern.of(c.status),
        ...(c.reason && { reason: intern.of(c.reason) }),
        ...(c.message && { message: c.message }),
      })),
    },
  } as KubeObject;
}

export function projectReplicaSet(
  raw: Raw,
  intern: Interner = defaultInterner,
): KubeObject {
  const m = raw?.metadata ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: m.name,
      namespace: intern.of(m.namespace),
      labels: pick(m.labels, [LABELS.kubernetesId, TEMPLATE_HASH], intern),
      annotations: pick(m.annotations, [REVISION], intern),
    },
  };
}

export function projectPod(
  raw: Raw,
  intern: Interner = defaultInterner,
): KubeObject {
  const m = raw?.metadata ?? {};
  const st = raw?.status ?? {};
  const ready = (st.conditions as Condition[] | undefined)?.find(
    c => c.type === 'Ready',
  );
  const waiting = (
    st.containerStatuses as
      | Array<{ state?: { waiting?: { reason?: string; message?: string } } }>
      | undefined
  )
    ?.map(s => s.state?.waiting)
    .filter(w => w?.reason)
    .map(w => ({
      state: {
        waiting: {
          reason: intern.of(w!.reason),
          ...(w!.message && { message: w!.message }),
        },
      },
    }));
  // the containers logs can be read from (the Logs view's pickers)
  type Status = {
    name?: string;
    restartCount?: number;
    lastState?: { terminated?: unknown };
  };
  const statuses = new Map<string, Status>(
    [
      ...((st.containerStatuses as Status[] | undefined) ?? []),
      ...((st.initContainerStatuses as Status[] | undefined) ?? []),
    ].map(c => [c.name ?? '', c]),
  );
  const logContainers = [
    ...((raw?.spec?.initContainers as Array<{ name: string }>) ?? []).map(
      c => ({ name: c.name, init: true }),
    ),
    ...((raw?.spec?.containers as Array<{ name: string }>) ?? []).map(c => ({
      name: c.name,
    })),
  ].map(c => {
    const s = statuses.get(c.name);
    const restartCount = s?.restartCount ?? 0;
    return {
      ...c,
      name: intern.of(c.name),
      restartCount,
      hasPrevious: restartCount > 0 || Boolean(s?.lastState?.terminated),
    };
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    logContainers,
    metadata: {
      name: m.name,
      namespace: intern.of(m.namespace),
      labels: pick(m.labels, [LABELS.kubernetesId, TEMPLATE_HASH], intern),
    },
    status: {
      phase: intern.of(st.phase),
      ...(ready && {
        conditions: [
          { type: 'Ready', status: intern.of(ready.status) as string },
        ],
      }),
      ...(waiting?.length && { containerStatuses: waiting }),
    },
  };
}

export const PROJECT: Record<
  WorkloadKind,
  (raw: Raw, intern: Interner) => KubeObject
> = {
  deployments: projectDeployment,
  replicasets: projectReplicaSet,
  pods: projectPod,
};
