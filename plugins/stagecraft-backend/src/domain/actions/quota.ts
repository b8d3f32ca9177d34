import type { DeploymentStore, EnvironmentRecord } from '../ports';
import type { EnvironmentTypeSpec } from '../environments/types';
import { podAmounts } from '../operations/OperationsService';
import { cpuCores, memoryBytes } from '../operations/quantity';

/**
 * The most replicas of `component` that fit the environment's quota next to
 * what the other components request (what scale checks), at most 1000.
 */
export async function maxReplicasOf(
  deps: { deployments: DeploymentStore },
  env: EnvironmentRecord,
  type: EnvironmentTypeSpec | undefined,
  component: string,
): Promise<number | undefined> {
  const live = (await deps.deployments.listCurrentIn(env.name)).filter(
    r => r.action !== 'remove',
  );
  let cpu = 0;
  let memory = 0;
  let pods = 0;
  let per: { cpu: number; memory: number } | undefined;
  for (const r of live) {
    const release = await deps.deployments.getRelease(r.releaseId);
    if (!release) continue;
    const { requests } = podAmounts(release, type);
    if (r.component === component) {
      per = requests;
      continue;
    }
    const n = r.replicas ?? 1;
    cpu += requests.cpu * n;
    memory += requests.memory * n;
    pods += n;
  }
  if (!per) return undefined;
  const quotaCpu = cpuCores(env.quota.cpu) ?? Infinity;
  const quotaMemory = memoryBytes(env.quota.memory) ?? Infinity;
  const fits = (left: number, each: number) =>
    each > 0 ? Math.floor((left + 1e-9) / each) : Infinity;
  return Math.max(
    0,
    Math.min(
      1000,
      fits(quotaCpu - cpu, per.cpu),
      fits(quotaMemory - memory, per.memory),
      env.quota.pods - pods,
    ),
  );
}
