import type {
  DeployObject,
  DeploymentRevision,
  EnvironmentDeployment,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { DeploymentStore, EnvironmentRecord, KubeObject } from '../ports';
import type { WorkloadSpec } from '../workloads';
import type { ResourcePreview } from '../resources/preview';
import { comparable, diffObjects } from './diff';
import { isPaused } from '../operations/pauseState';
import type { PromotionPipelines } from '../policy/pipeline';

/**
 * A deploy without an image keeps the images of the release running in the
 * environment (a config-only rollout): every container the running release
 * has by the same name gets its image back. Without a running release the
 * workload's own images stay.
 */
export async function keepRunningImages(
  store: Pick<DeploymentStore, 'listRevisions' | 'getRelease'>,
  component: string,
  environment: string,
  spec: WorkloadSpec,
): Promise<{ spec: WorkloadSpec; configOnly: boolean }> {
  const [current] = await store.listRevisions(component, environment);
  if (!current || current.action === 'remove')
    return { spec, configOnly: false };
  const running = await store.getRelease(current.releaseId);
  const containers = (running?.workload as WorkloadSpec | undefined)
    ?.containers;
  if (!containers) return { spec, configOnly: false };
  let kept = false;
  const next = Object.fromEntries(
    Object.entries(spec.containers).map(([name, c]) => {
      const image = containers[name]?.image;
      if (!image) return [name, c];
      kept = true;
      return [name, { ...c, image }];
    }),
  );
  return kept
    ? { spec: { ...spec, containers: next }, configOnly: true }
    : { spec, configOnly: false };
}

const changeOf = (
  live: KubeObject | undefined,
  desired: KubeObject,
): DeployObject['change'] => {
  if (!live) return 'create';
  return JSON.stringify(comparable(live)) ===
    JSON.stringify(comparable(desired))
    ? 'unchanged'
    : 'update';
};

/**
 * Every object of a deploy, resources' first (they are provisioned first),
 * with what the deploy does to it, and the diff of all of them (generated
 * Secrets are listed but never diffed: their values are not read).
 */
export function describeRollout(
  resources: ResourcePreview[],
  workload: Array<{ live: KubeObject | undefined; desired: KubeObject }>,
): { objects: DeployObject[]; diff: string } {
  const entry = (
    o: KubeObject,
    source: string,
    change: DeployObject['change'],
  ): DeployObject => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    source,
    change,
  });
  const objects = [
    ...resources.map(r =>
      entry(
        r.desired,
        `resource:${r.resource}`,
        r.createIfAbsent ? 'create-if-absent' : changeOf(r.live, r.desired),
      ),
    ),
    ...workload.map(w =>
      entry(w.desired, 'workload', changeOf(w.live, w.desired)),
    ),
  ];
  const diff = diffObjects([
    ...resources.filter(r => !r.createIfAbsent),
    ...workload,
  ]);
  return { objects, diff };
}

/**
 * The deployments answer with the pipeline's word and pause truth: each
 * environment's order and promotion target, `paused` (phase `paused`) while
 * a pause holds it at zero, sorted in pipeline order.
 */
export async function withPipeline<
  T extends { deployment: EnvironmentDeployment; env: EnvironmentRecord },
>(
  items: T[],
  pipeline: PromotionPipelines | undefined,
  all: () => Promise<EnvironmentRecord[]>,
): Promise<T[]> {
  const envs = pipeline && items.length ? await all() : [];
  for (const item of items) {
    const d = item.deployment;
    const revision = d.revision as DeploymentRevision | undefined;
    d.paused = Boolean(revision && isPaused(revision));
    if (d.paused) d.status = { ...d.status, phase: 'paused' };
    if (!pipeline) continue;
    const order = pipeline.orderOf(item.env);
    if (order !== undefined) d.order = order;
    const target = pipeline.targetOf(item.env, envs);
    if (target) d.promotesTo = target.name;
  }
  if (pipeline) items.sort((a, b) => pipeline.compare(a.env, b.env));
  return items;
}

/**
 * A field of a rendered object as the workload spec names it: the main
 * Deployment's containers are the spec's (`containers.main.securityContext…`),
 * anything else is `Kind/name.path`.
 */
export function workloadField(
  o: KubeObject,
  path: string,
  component: string,
): string {
  const m = /^spec\.template\.spec\.containers\[(\d+)\](.*)$/.exec(path);
  const containers = (
    o.spec as
      | { template?: { spec?: { containers?: Array<{ name?: string }> } } }
      | undefined
  )?.template?.spec?.containers;
  const name = m && containers?.[Number(m[1])]?.name;
  if (o.kind === 'Deployment' && o.metadata.name === component && name) {
    return `containers.${name}${m![2]}`;
  }
  return `${o.kind}/${o.metadata.name}.${path}`;
}
