import type {
  PipelineStage,
  PromotionPipeline,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord } from '../ports';
import type { EnvironmentTypeSpec } from '../environments/types';

/** Tier order when an environment's type is not configured (preview is outside). */
const TIER_ORDER: Record<string, number> = {
  development: 1,
  staging: 2,
  production: 3,
};

/** `environment:default/payments-prod` or `payments-prod` → `payments-prod`. */
export const environmentName = (ref: string) =>
  ref.replace(/^(?:environment:)?(?:[^/]+\/)?/, '');

const lower = (s: string | undefined) => s?.toLocaleLowerCase('en-US');

/**
 * The one promotion pipeline every door shows: environments of a system (or,
 * without one, of an owner) ordered by their type's `order` (falling back to
 * the tier: development < staging < production); previews are outside it.
 * An environment promotes to its explicit `promotesTo`, otherwise to the next
 * environment of its pipeline (the lowest higher order; none when two share
 * it, which is ambiguous).
 */
export class PromotionPipelines {
  private readonly types: Map<string, EnvironmentTypeSpec>;

  constructor(types: EnvironmentTypeSpec[]) {
    this.types = new Map(types.map(t => [t.name, t]));
  }

  /** Position of an environment; undefined for previews (outside every pipeline). */
  orderOf(env: Pick<EnvironmentRecord, 'type' | 'tier'>): number | undefined {
    if (env.tier === 'preview') return undefined;
    return this.types.get(env.type)?.order ?? TIER_ORDER[env.tier];
  }

  /** The pipeline an environment belongs to: `system:<name>` or `owner:<ref>`. */
  keyOf(env: Pick<EnvironmentRecord, 'system' | 'owner'>): string {
    return env.system
      ? `system:${lower(env.system.replace(/^system:(?:[^/]+\/)?/, ''))}`
      : `owner:${lower(env.owner)}`;
  }

  /** Where `from` promotes to, and why (explicit promotesTo or the pipeline order). */
  targetOf(
    from: EnvironmentRecord,
    all: EnvironmentRecord[],
  ): { name: string; source: 'promotesTo' | 'pipeline' } | undefined {
    if (from.promotesTo) {
      return { name: environmentName(from.promotesTo), source: 'promotesTo' };
    }
    const order = this.orderOf(from);
    if (order === undefined) return undefined;
    const key = this.keyOf(from);
    const later = all
      .filter(e => e.name !== from.name && this.keyOf(e) === key)
      .map(e => ({ e, order: this.orderOf(e) }))
      .filter(
        (x): x is { e: EnvironmentRecord; order: number } =>
          x.order !== undefined && x.order > order,
      );
    if (!later.length) return undefined;
    const next = Math.min(...later.map(x => x.order));
    const candidates = later.filter(x => x.order === next);
    return candidates.length === 1
      ? { name: candidates[0].e.name, source: 'pipeline' }
      : undefined;
  }

  /**
   * Every pipeline among `envs` (optionally of one system), stages in
   * order; targets are computed among `all` (default `envs`).
   */
  pipelines(
    envs: EnvironmentRecord[],
    filter: { system?: string } = {},
    all: EnvironmentRecord[] = envs,
  ): PromotionPipeline[] {
    const wanted = filter.system
      ? this.keyOf({ system: filter.system, owner: '' })
      : undefined;
    const groups = new Map<string, EnvironmentRecord[]>();
    for (const e of envs) {
      const key = this.keyOf(e);
      if (wanted && key !== wanted) continue;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, members]) => {
        const stages: PipelineStage[] = members
          .map(e => {
            const order = this.orderOf(e);
            const target = this.targetOf(e, all);
            return {
              environment: e.name,
              tier: e.tier,
              type: e.type,
              ...(order !== undefined && { order }),
              ...(target && {
                promotesTo: target.name,
                promotesToSource: target.source,
              }),
            };
          })
          .sort(compareStages);
        const [kind, ...rest] = key.split(':');
        return {
          ...(kind === 'system'
            ? { system: rest.join(':') }
            : { owner: rest.join(':') }),
          stages,
        };
      });
  }

  /** Sorts environment names by pipeline order (previews last), then by name. */
  compare(
    a: Pick<EnvironmentRecord, 'name' | 'type' | 'tier'>,
    b: Pick<EnvironmentRecord, 'name' | 'type' | 'tier'>,
  ): number {
    return compareStages(
      { environment: a.name, order: this.orderOf(a) },
      { environment: b.name, order: this.orderOf(b) },
    );
  }
}

function compareStages(
  a: { environment: string; order?: number },
  b: { environment: string; order?: number },
) {
  const oa = a.order ?? Number.MAX_SAFE_INTEGER;
  const ob = b.order ?? Number.MAX_SAFE_INTEGER;
  return oa - ob || a.environment.localeCompare(b.environment);
}
