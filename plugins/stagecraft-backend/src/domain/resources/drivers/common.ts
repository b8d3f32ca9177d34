import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceDriverContext,
  ResourceOutputs,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { hostFor } from '../../policy/exposure';
import { REQUESTED_BY_ANNOTATION } from '../ResourceService';
import { expandTemplate, scalarParams } from '../template';

/** How a definition declares one output. */
export type OutputSpec =
  | string
  | { secretKey: string }
  | { configMapKey: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Template variables of a resource: `name`, `namespace`, `environment`,
 * `type`, `class`, `id`, `component` (the name of the first component that
 * asked for it), `ingressHost` (that component's host under the environment
 * type's `ingressHostPattern`, empty without one) and `params` (the
 * definition's `defaults`, whose strings may use the other variables, then
 * the request's Score params, which may only set keys the defaults declare,
 * so a workload cannot reach anything the platform did not expose).
 */
export function templateVars(
  ctx: ResourceDriverContext,
  presetDefaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const component =
    ctx.annotations[REQUESTED_BY_ANNOTATION]?.split(',')[0]?.split('/').pop() ??
    '';
  const pattern = ctx.environment.ingressHostPattern;
  const base = {
    name: ctx.resource.name,
    namespace: ctx.environment.namespace,
    environment: ctx.environment.name,
    type: ctx.resource.type,
    class: ctx.resource.class,
    id: ctx.resource.id ?? '',
    component,
    ingressHost:
      pattern && component
        ? hostFor(
            pattern,
            component,
            ctx.environment.name,
            ctx.environment.namespace,
          )
        : '',
  };
  const declared = {
    ...presetDefaults,
    ...scalarParams(
      isObject(ctx.definition.params.defaults)
        ? ctx.definition.params.defaults
        : {},
    ),
  };
  const defaults = expandOrThrow(declared, base, ctx, 'params.defaults');
  const requested = ctx.resource.params ?? {};
  const unknown = Object.keys(requested).filter(
    k => !Object.prototype.hasOwnProperty.call(defaults, k),
  );
  const notScalar = Object.keys(requested).filter(
    k =>
      !unknown.includes(k) &&
      !['string', 'number', 'boolean'].includes(typeof requested[k]),
  );
  if (unknown.length || notScalar.length) {
    const known = Object.keys(defaults).sort();
    throw new InputError([
      ...unknown.map(k => ({
        field: `resources.params.${k}`,
        message: `params.${k} is not a parameter of resource definition "${
          ctx.definition.id
        }" (its parameters: ${known.length ? known.join(', ') : 'none'})`,
      })),
      ...notScalar.map(k => ({
        field: `resources.params.${k}`,
        message: `params.${k} must be a string, number or boolean`,
      })),
    ]);
  }
  return { ...base, params: { ...defaults, ...scalarParams(requested) } };
}

/** Expands a template or throws a InputError naming the definition. */
export function expandOrThrow<T>(
  value: T,
  vars: Record<string, unknown>,
  ctx: ResourceDriverContext,
  field: string,
): T {
  const errors: string[] = [];
  const out = expandTemplate(value, vars, field, errors) as T;
  if (errors.length) {
    throw new InputError(
      errors.map(message => ({
        field: `definition ${ctx.definition.id}`,
        message: `resource definition "${ctx.definition.id}": ${message}`,
      })),
    );
  }
  return out;
}

/**
 * The template variables of a driver call and `param(field, fallback)`: the
 * definition's param `field` (`fallback` when it is unset) expanded with
 * them, a bad template a 400 naming `params.<field>`.
 */
export function definitionParams(ctx: ResourceDriverContext) {
  const p = ctx.definition.params;
  const vars = templateVars(ctx);
  const param = <T>(field: string, fallback: T): T =>
    expandOrThrow(
      (p[field] as T | undefined) ?? fallback,
      vars,
      ctx,
      `params.${field}`,
    );
  return { p, vars, param };
}

/** Problems with an `outputs` param (for a driver's `validate`). */
export function outputsProblems(
  outputs: unknown,
  allowed: Array<'secretKey' | 'configMapKey'>,
): string[] {
  if (!isObject(outputs) || Object.keys(outputs).length === 0) {
    return ['outputs must be an object of output name → value'];
  }
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(outputs)) {
    if (typeof spec === 'string') continue;
    const keys = isObject(spec) ? Object.keys(spec) : [];
    if (
      keys.length !== 1 ||
      !allowed.includes(keys[0] as 'secretKey') ||
      typeof (spec as Record<string, unknown>)[keys[0]] !== 'string'
    ) {
      problems.push(
        `outputs.${name} must be a string or one of ${allowed
          .map(a => `{ ${a}: <key> }`)
          .join(', ')}`,
      );
    }
  }
  return problems;
}

/**
 * The outputs of a definition: strings are templates, `secretKey` a key of
 * `secretName` (a secretKeyRef, never a value), `configMapKey` a value read
 * from `configMap`.
 */
export function renderOutputs(
  outputs: Record<string, OutputSpec>,
  vars: Record<string, unknown>,
  ctx: ResourceDriverContext,
  from: { secretName?: string; configMap?: Record<string, string> },
): ResourceOutputs {
  const result: ResourceOutputs = {};
  for (const [name, spec] of Object.entries(outputs)) {
    if (typeof spec === 'string') {
      result[name] = String(
        expandOrThrow(spec, vars, ctx, `params.outputs.${name}`),
      );
    } else if ('secretKey' in spec) {
      if (!from.secretName) {
        throw new InputError([
          {
            field: `definition ${ctx.definition.id}`,
            message: `resource definition "${ctx.definition.id}": outputs.${name} names a secret key but the definition has no secret`,
          },
        ]);
      }
      result[name] = {
        secretKeyRef: { name: from.secretName, key: spec.secretKey },
      };
    } else {
      const value = from.configMap?.[spec.configMapKey];
      if (value === undefined) {
        const e = new Error(
          `resource "${ctx.resource.name}" in ${ctx.environment.name}: output ${name} reads key "${spec.configMapKey}", which the ConfigMap does not have`,
        );
        e.name = 'NotFoundError';
        throw e;
      }
      result[name] = value;
    }
  }
  return result;
}

/** Readiness of a workload object (Deployment/StatefulSet) or mere presence. */
export function objectReadiness(
  kind: string,
  live: Record<string, any> | undefined,
): string | undefined {
  if (!live) return 'not created yet';
  if (kind !== 'StatefulSet' && kind !== 'Deployment') return undefined;
  const want = live.spec?.replicas ?? 1;
  const ready = live.status?.readyReplicas ?? 0;
  const observed = live.status?.observedGeneration ?? 0;
  if (observed < (live.metadata?.generation ?? 0) || ready < want) {
    return `${ready}/${want} ready`;
  }
  return undefined;
}

export { isObject };
