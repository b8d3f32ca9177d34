import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  ENVIRONMENT_TIERS,
  Environment,
  PipelineStage,
  PromotionPipeline,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Wire } from '../../api/wire';

/** What the UI needs of an environment, from the catalog or the Stagecraft API. */
export interface EnvironmentInfo {
  name: string;
  title?: string;
  tier: string;
  cluster?: string;
  namespace?: string;
  owner?: string;
  /** `system:default/<name>` */
  system?: string;
  /** Name of the next environment of the pipeline. */
  promotesTo?: string;
  expiresAt?: string;
  /** Present when Stagecraft has provisioned it. */
  provisioned?: Environment;
  /** Present when the catalog knows it. */
  entity?: Entity;
  /**
   * Its place in the backend's promotion pipelines (`GET /pipeline`): which
   * pipeline and which stage. Absent when the backend did not place it.
   */
  stage?: { pipeline: number; index: number; order?: number };
}

export function refName(ref: string | undefined, defaultKind: string) {
  if (!ref) return undefined;
  try {
    return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' })
      .name;
  } catch {
    return undefined;
  }
}

export function fullRef(ref: string | undefined, defaultKind: string) {
  if (!ref) return undefined;
  try {
    const r = parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
    return `${r.kind.toLocaleLowerCase('en-US')}:${r.namespace}/${r.name}`;
  } catch {
    return undefined;
  }
}

export function fromEntity(entity: Entity): EnvironmentInfo {
  const spec = (entity.spec ?? {}) as Record<string, string | undefined>;
  return {
    name: entity.metadata.name,
    title: entity.metadata.title,
    tier: spec.tier ?? 'development',
    cluster: spec.cluster,
    namespace: spec.namespace,
    owner: fullRef(spec.owner, 'group'),
    system: fullRef(spec.system, 'system'),
    promotesTo: refName(spec.promotesTo, 'environment'),
    expiresAt: spec.expiresAt,
    entity,
  };
}

export function fromApi(env: Environment): EnvironmentInfo {
  return {
    name: env.name,
    tier: env.tier,
    cluster: env.cluster,
    namespace: env.namespace,
    owner: fullRef(env.owner, 'group'),
    system: fullRef(env.system, 'system'),
    promotesTo: refName(env.promotesTo, 'environment'),
    expiresAt: env.expiresAt,
    provisioned: env,
  };
}

/** Catalog entities and provisioned environments, one entry per name. */
export function mergeEnvironments(
  entities: Entity[],
  provisioned: Environment[],
): EnvironmentInfo[] {
  const byName = new Map<string, EnvironmentInfo>();
  for (const e of entities) byName.set(e.metadata.name, fromEntity(e));
  for (const p of provisioned) {
    const known = byName.get(p.name);
    const api = fromApi(p);
    byName.set(
      p.name,
      known
        ? {
            ...api,
            title: known.title,
            entity: known.entity,
            promotesTo: api.promotesTo ?? known.promotesTo,
            system: api.system ?? known.system,
          }
        : api,
    );
  }
  return [...byName.values()];
}

const tierRank = (tier: string) => {
  const i = (ENVIRONMENT_TIERS as readonly string[]).indexOf(tier);
  return i < 0 ? ENVIRONMENT_TIERS.length : i;
};

/**
 * The backend's promotion pipelines applied to the environments: each stage's
 * place, and its promotion target (the one `promote` uses), replace what the
 * catalog declares. Stages of environments not in `envs` are ignored.
 */
export function applyPipelines(
  envs: EnvironmentInfo[],
  pipelines: ReadonlyArray<Wire<PromotionPipeline>> | undefined,
): EnvironmentInfo[] {
  const places = new Map<
    string,
    { stage: NonNullable<EnvironmentInfo['stage']>; promotesTo?: string }
  >();
  (Array.isArray(pipelines) ? pipelines : []).forEach((p, pipeline) =>
    (Array.isArray(p?.stages) ? p.stages : []).forEach(
      (s: Wire<PipelineStage> | undefined, index: number) => {
        if (!s?.environment || places.has(s.environment)) return;
        places.set(s.environment, {
          stage: { pipeline, index, order: s.order },
          promotesTo: refName(s.promotesTo, 'environment'),
        });
      },
    ),
  );
  return envs.map(e => {
    const place = places.get(e.name);
    return place
      ? { ...e, stage: place.stage, promotesTo: place.promotesTo }
      : e;
  });
}

/**
 * Pipeline order. Environments the backend placed (`stage`, from its
 * pipelines) come first, in its order; the rest — declared but not
 * provisioned, or an older backend — follow each chain of promotesTo from its
 * first environment, chains sorted by the tier they start at, then by tier
 * and name.
 */
export function orderByPipeline<T extends EnvironmentInfo>(envs: T[]): T[] {
  const placed = envs
    .filter(e => e.stage)
    .sort(
      (a, b) =>
        a.stage!.pipeline - b.stage!.pipeline ||
        a.stage!.index - b.stage!.index,
    );
  return [...placed, ...orderByChains(envs.filter(e => !e.stage))];
}

function orderByChains<T extends EnvironmentInfo>(envs: T[]): T[] {
  const byName = new Map(envs.map(e => [e.name, e]));
  const targets = new Set(
    envs.map(e => e.promotesTo).filter((n): n is string => !!n),
  );
  const byTier = (a: T, b: T) =>
    tierRank(a.tier) - tierRank(b.tier) || a.name.localeCompare(b.name);
  const roots = envs.filter(e => !targets.has(e.name)).sort(byTier);
  const seen = new Set<string>();
  const out: T[] = [];
  for (const root of roots) {
    let current: T | undefined = root;
    while (current && !seen.has(current.name)) {
      seen.add(current.name);
      out.push(current);
      current = current.promotesTo ? byName.get(current.promotesTo) : undefined;
    }
  }
  // cycles or chains whose start is missing
  out.push(...envs.filter(e => !seen.has(e.name)).sort(byTier));
  return out;
}

/** "in 3 h", "in 2 days", "5 min ago" */
export function relativeTime(iso: string | undefined, now = Date.now()) {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  let span: string;
  if (abs < 60_000) span = `${Math.max(1, Math.round(abs / 1000))} s`;
  else if (abs < 3_600_000) span = `${Math.round(abs / 60_000)} min`;
  else if (abs < 48 * 3_600_000) span = `${Math.round(abs / 3_600_000)} h`;
  else span = `${Math.round(abs / 86_400_000)} days`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** The tag (or digest) of an image reference. */
export function imageTag(image: string | undefined) {
  if (!image) return '';
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}
