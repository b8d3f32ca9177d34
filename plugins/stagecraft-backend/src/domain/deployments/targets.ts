import {
  DeploymentRevision,
  ENVIRONMENT_TIERS,
  InputError,
  Release,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import type { Actor, ComponentInfo, EnvironmentRecord } from '../ports';
import {
  parseWorkloadSpec,
  releaseId,
  resolveFileSources,
  WorkloadSpec,
} from '../workloads';
import type { DeploymentDeps } from './ports';
import { keepRunningImages } from './rolloutParts';
import { mainImage, withImage } from './transforms';

/**
 * Where a promotion from `from` goes: `to` when given, else the pipeline's
 * next stage (or, without a pipeline, from's promotesTo); a 400 naming `to`
 * when there is none.
 */
export async function promotionTargetName(
  deps: Pick<DeploymentDeps, 'pipeline' | 'environments'>,
  from: EnvironmentRecord,
  to: string | undefined,
): Promise<string> {
  const name =
    to ??
    (deps.pipeline
      ? deps.pipeline.targetOf(from, await deps.environments.listEnvironments())
          ?.name
      : from.promotesTo?.replace(/^(?:environment:)?(?:[^/]+\/)?/, ''));
  if (!name) {
    throw new InputError([
      {
        field: 'to',
        message: `to is required: environment "${from.name}" has no promotesTo and is the last stage of its pipeline`,
      },
    ]);
  }
  return name;
}

/** A 400 naming `to` when a promotion goes down a tier, or skips one unless `allowTierSkip`. */
export function checkTierStep(
  from: EnvironmentRecord,
  to: EnvironmentRecord,
  allowTierSkip: boolean | undefined,
): void {
  const gap =
    ENVIRONMENT_TIERS.indexOf(to.tier) - ENVIRONMENT_TIERS.indexOf(from.tier);
  if (gap < 0 || (gap > 1 && !allowTierSkip)) {
    throw new InputError([
      {
        field: 'to',
        message:
          gap < 0
            ? `cannot promote from ${from.tier} (${from.name}) down to ${to.tier} (${to.name})`
            : `promoting from ${from.tier} (${from.name}) to ${to.tier} (${to.name}) skips a tier; promote through each tier in turn`,
      },
    ]);
  }
}

/**
 * The revision a rollback returns to among `revisions` (newest first):
 * the one with `revision` or `releaseId` when given, else the newest that
 * runs another release than the current one; a 404 when there is none.
 */
export function rollbackTarget(
  revisions: DeploymentRevision[],
  pick: { revision?: unknown; releaseId?: unknown },
  ref: string,
  environment: string,
): DeploymentRevision {
  if (!revisions.length) {
    throw new NotFoundError(`${ref} has never been deployed to ${environment}`);
  }
  const [current] = revisions;
  let target = revisions.find(r => r.releaseId !== current.releaseId);
  if (pick.revision !== undefined) {
    target = revisions.find(r => r.revision === pick.revision);
  } else if (pick.releaseId !== undefined) {
    target = revisions.find(r => r.releaseId === pick.releaseId);
  }
  if (!target) {
    throw new NotFoundError(
      pick.revision !== undefined || pick.releaseId !== undefined
        ? `no such revision of ${ref} in ${environment}`
        : `${ref} has only ever run release ${current.releaseId} in ${environment}; nothing to roll back to`,
    );
  }
  return target;
}

/**
 * The release a deploy runs: the inline workload or the component's, with
 * `image` when given, else (for the component's workload) the running
 * release's images (`configOnly`); the stored release when it exists.
 */
export async function releaseToDeploy(
  deps: Pick<DeploymentDeps, 'workloads' | 'deployments' | 'clock'>,
  request: {
    actor: Actor;
    ref: string;
    component: ComponentInfo;
    env: EnvironmentRecord;
    inline: WorkloadSpec | undefined;
    image: string | undefined;
  },
): Promise<{ release: Release; configOnly: boolean }> {
  const { actor, ref, component, env, inline, image } = request;
  let spec: WorkloadSpec;
  if (inline) {
    spec = inline;
  } else {
    const { text, source, readFile } = await deps.workloads.workload(
      component,
      actor,
    );
    spec = await resolveFileSources(parseWorkloadSpec(text, source), readFile);
  }
  let configOnly = false;
  if (image) {
    spec = withImage(spec, image);
  } else if (!inline) {
    // no image: the running release's images stay (a config-only rollout)
    ({ spec, configOnly } = await keepRunningImages(
      deps.deployments,
      ref,
      env.name,
      spec,
    ));
  }
  const release: Release = {
    id: releaseId({ spec }),
    component: ref,
    image: mainImage(spec),
    workload: spec,
    createdBy: actor.ref,
    createdAt: deps.clock.now().toISOString(),
  };
  const existing = await deps.deployments.getRelease(release.id);
  return { release: existing ?? release, configOnly };
}
