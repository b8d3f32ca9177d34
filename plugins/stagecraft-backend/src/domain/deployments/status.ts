import type { DeploymentStatus } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';

/** The objects of one component in one namespace, as the watch cache holds them. */
export interface WorkloadObjects {
  deployment?: KubeObject;
  replicaSets: KubeObject[];
  pods: KubeObject[];
}

/** Container states that mean the rollout will not finish by itself. */
const FAILING_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
};

/**
 * The rollout status of a Deployment from its own status, its conditions and
 * its pods — the same reading `kubectl rollout status` makes, plus pod-level
 * failure reasons so a bad image is "failed: ImagePullBackOff", not
 * "progressing" forever. Pure: computed from cached objects only.
 */
export function deploymentStatus(objects: WorkloadObjects): DeploymentStatus {
  const pods = summarisePods(objects.pods);
  const d = objects.deployment as
    | (KubeObject & {
        spec?: {
          replicas?: number;
          template?: {
            metadata?: { annotations?: Record<string, string> };
            spec?: { containers?: Array<{ image?: string }> };
          };
        };
        status?: {
          observedGeneration?: number;
          replicas?: number;
          updatedReplicas?: number;
          readyReplicas?: number;
          availableReplicas?: number;
          conditions?: Condition[];
        };
      })
    | undefined;
  if (!d) {
    return {
      phase: 'missing',
      replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
      pods,
    };
  }
  const desired = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const replicas = {
    desired,
    updated: st.updatedReplicas ?? 0,
    ready: st.readyReplicas ?? 0,
    available: st.availableReplicas ?? 0,
  };
  const base = {
    release: d.spec?.template?.metadata?.annotations?.['stagecraft.io/release'],
    image: d.spec?.template?.spec?.containers?.[0]?.image,
    replicas,
    pods,
  };
  const progressing = st.conditions?.find(c => c.type === 'Progressing');
  if (
    progressing?.status === 'False' &&
    progressing.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      ...base,
      phase: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: progressing.message,
    };
  }
  // the ReplicaSet cannot create pods (the namespace quota, an admission
  // policy): the controller says so on the Deployment until it clears
  const replicaFailure = st.conditions?.find(
    c => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (replicaFailure) {
    return {
      ...base,
      phase: 'failed',
      reason: replicaFailure.reason ?? 'FailedCreate',
      message: replicaFailure.message,
    };
  }
  // a failing pod of the current ReplicaSet means this rollout cannot finish,
  // even while old pods still serve
  const podFailure = failingContainer(currentPods(d, objects));
  if (podFailure) {
    return { ...base, phase: 'failed', ...podFailure };
  }
  const generation = Number(d.metadata.generation ?? 0);
  const observed = (st.observedGeneration ?? 0) >= generation;
  if (observed && desired === 0 && (st.replicas ?? 0) === 0) {
    return { ...base, phase: 'scaled-to-zero' };
  }
  if (
    observed &&
    replicas.updated === desired &&
    replicas.available === desired &&
    (st.replicas ?? 0) === desired
  ) {
    return { ...base, phase: 'complete' };
  }
  const total = st.replicas ?? 0;
  let waiting = `${replicas.available} of ${desired} available`;
  if (replicas.updated < desired) {
    waiting = `${replicas.updated} of ${desired} updated`;
  } else if (total > replicas.updated) {
    waiting = `${total - replicas.updated} old replicas pending termination`;
  }
  return { ...base, phase: 'progressing', message: waiting };
}

const memo = new WeakMap<WorkloadObjects, DeploymentStatus>();

/**
 * `deploymentStatus`, computed once per snapshot: the watch cache hands out
 * frozen snapshots that it replaces on every change, so a status is derived
 * again only after the objects changed, not on every read. Objects that are
 * not frozen (built by a caller) are derived every time.
 */
export function cachedDeploymentStatus(
  objects: WorkloadObjects,
): DeploymentStatus {
  if (!Object.isFrozen(objects)) return deploymentStatus(objects);
  let status = memo.get(objects);
  if (!status) {
    status = deploymentStatus(objects);
    memo.set(objects, status);
  }
  return status;
}

/**
 * A status the watch cache cannot keep live (its cluster refuses the
 * credentials or does not answer): the last one seen, with why, so the
 * pages say so instead of showing it as current (or "missing").
 */
export function withClusterError(
  status: DeploymentStatus,
  clusterError: string | undefined,
): DeploymentStatus {
  return clusterError ? { ...status, clusterError } : status;
}

/** Pods of the Deployment's current ReplicaSet (all pods when that is unknown). */
/** The pods of the Deployment's current ReplicaSet (all pods when it is not known). */
export function currentPods(
  d: KubeObject,
  objects: WorkloadObjects,
): KubeObject[] {
  const revision =
    d.metadata.annotations?.['deployment.kubernetes.io/revision'];
  const rs = revision
    ? objects.replicaSets.find(
        r =>
          r.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
          revision,
      )
    : undefined;
  const hash = rs?.metadata.labels?.['pod-template-hash'];
  if (!hash) return objects.pods;
  return objects.pods.filter(
    p => p.metadata.labels?.['pod-template-hash'] === hash,
  );
}

function failingContainer(
  pods: KubeObject[],
): { reason: string; message?: string } | undefined {
  for (const pod of pods) {
    const statuses = ((pod.status as any)?.containerStatuses ?? []) as Array<{
      state?: { waiting?: { reason?: string; message?: string } };
    }>;
    for (const s of statuses) {
      const reason = s.state?.waiting?.reason;
      if (reason && FAILING_REASONS.has(reason)) {
        return { reason, message: s.state?.waiting?.message };
      }
    }
  }
  return undefined;
}

function summarisePods(pods: KubeObject[]) {
  const summary = {
    total: pods.length,
    running: 0,
    pending: 0,
    failed: 0,
    ready: 0,
  };
  for (const pod of pods) {
    const status = pod.status as
      | { phase?: string; conditions?: Condition[] }
      | undefined;
    if (status?.phase === 'Running') summary.running++;
    else if (status?.phase === 'Pending') summary.pending++;
    else if (status?.phase === 'Failed') summary.failed++;
    if (
      status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')
    )
      summary.ready++;
  }
  return summary;
}
