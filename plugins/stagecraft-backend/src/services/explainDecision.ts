import {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import type { EnvironmentRecord } from '../domain/ports';
import type { EnvironmentFilter } from '../permissions/rules';

type Criteria = PermissionCriteria<PermissionCondition>;
type Ruleset = PermissionRuleset<EnvironmentRecord, EnvironmentFilter>;

/** How a refusal reads: who may, and what (e.g. "deploy to"). */
export interface ExplainContext {
  /** The verb phrase, e.g. "deploy to", "change the configuration of". */
  verb: string;
  /** The group policy lets change everything (stagecraft.examplePolicy.platformGroup), if known. */
  privilegedGroup?: string;
  /** The environment is the one proposed for creation (its owner is chosen, not given). */
  creating?: boolean;
}

const list = (values: string[]) =>
  values.length <= 1
    ? values.join('')
    : `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;

/**
 * Evaluates a conditional decision on one environment with the registered
 * rules (the same ones the permission framework applies) and, when it
 * denies, says why in a sentence naming the first failing rule.
 */
export function explainConditions(
  ruleset: Ruleset,
  criteria: Criteria,
  env: EnvironmentRecord,
  ctx: ExplainContext,
): string | undefined {
  const failing = firstFailing(ruleset, criteria, env, false);
  return failing
    ? sentence(failing.condition, failing.negated, env, ctx)
    : undefined;
}

function applies(
  ruleset: Ruleset,
  c: Criteria,
  env: EnvironmentRecord,
): boolean {
  if (isAndCriteria(c)) return c.allOf.every(x => applies(ruleset, x, env));
  if (isOrCriteria(c)) return c.anyOf.some(x => applies(ruleset, x, env));
  if (isNotCriteria(c)) return !applies(ruleset, c.not, env);
  const rule = ruleset.getRuleByName(c.rule);
  return rule.apply(env, (c.params ?? {}) as never);
}

/** The first leaf condition that makes `c` false (under `negated` when inside a not). */
function firstFailing(
  ruleset: Ruleset,
  c: Criteria,
  env: EnvironmentRecord,
  negated: boolean,
): { condition: PermissionCondition; negated: boolean } | undefined {
  const holds = applies(ruleset, c, env) !== negated;
  if (holds) return undefined;
  if (isAndCriteria(c) || isOrCriteria(c)) {
    const children = isAndCriteria(c) ? c.allOf : c.anyOf;
    // and: the first child that fails; or: every child fails, name the first
    for (const child of children) {
      const f = firstFailing(ruleset, child, env, negated);
      if (f) return f;
    }
    return undefined;
  }
  if (isNotCriteria(c)) return firstFailing(ruleset, c.not, env, !negated);
  return { condition: c as PermissionCondition, negated };
}

function sentence(
  condition: PermissionCondition,
  negated: boolean,
  env: EnvironmentRecord,
  ctx: ExplainContext,
): string {
  const params = (condition.params ?? {}) as Record<string, unknown>;
  const values = (key: string) =>
    Array.isArray(params[key]) ? (params[key] as string[]) : [];
  const who = ctx.privilegedGroup;
  switch (condition.rule) {
    case 'IS_OWNER':
      if (ctx.creating && !negated)
        return `You may create environments owned by you or one of your groups only${
          who ? ` (${who} creates them for others)` : ''
        }; owner ${env.owner} is not one of them`;
      return negated
        ? `Owners of ${env.name} may not ${ctx.verb} it`
        : `Only ${env.owner} (the owner of ${env.name})${
            who ? ` or ${who}` : ''
          } may ${ctx.verb} ${env.name}`;
    case 'HAS_TIER':
      if (who)
        return `Only ${who} may ${ctx.verb} ${env.tier} environments such as ${env.name}`;
      return negated
        ? `Nobody may ${ctx.verb} ${env.tier} environments such as ${env.name}`
        : `You may ${ctx.verb} ${list(values('tiers'))} environments only; ${
            env.name
          } is ${env.tier}`;
    case 'IS_CLUSTER':
      return negated
        ? `You may not ${ctx.verb} environments on cluster ${env.cluster} such as ${env.name}`
        : `You may ${ctx.verb} environments on ${list(
            values('clusters'),
          )} only; ${env.name} is on ${env.cluster}`;
    default:
      return `Your permissions do not let you ${ctx.verb} ${env.name} (rule ${condition.rule})`;
  }
}
