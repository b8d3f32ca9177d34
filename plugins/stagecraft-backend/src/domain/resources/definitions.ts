import {
  FieldError,
  validateDnsLabel,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceDefinition,
  ResourceDriver,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { normalizeComponentRef } from '../deployments/DeploymentService';

/** A checked definition: criteria normalised, an id, where it came from. */
export interface ResolvedDefinition extends ResourceDefinition {
  id: string;
  params: Record<string, unknown>;
  /** `module` definitions (extension point) override `config` ones. */
  origin: 'config' | 'module';
}

/** What a workload's resource request is matched on. */
export interface ResourceQuery {
  type: string;
  class: string;
  environment: string;
  environmentType: string;
  component: string;
}

const WORD = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const CRITERIA = ['class', 'environment', 'component', 'environmentType'];
const KNOWN = ['id', 'type', 'driver', 'params', ...CRITERIA];

/**
 * Specificity of each criterion. Powers of two, so two definitions only tie
 * when they set the same criteria (refused as duplicates): a class-specific
 * definition beats any other for that class, then environment, component and
 * environment type, in that order.
 */
const WEIGHT: Record<string, number> = {
  class: 8,
  environment: 4,
  component: 2,
  environmentType: 1,
};

const specificity = (d: ResolvedDefinition) =>
  CRITERIA.reduce(
    (sum, c) =>
      sum + (d[c as keyof ResolvedDefinition] !== undefined ? WEIGHT[c] : 0),
    0,
  );

const criteriaKey = (d: ResolvedDefinition) =>
  JSON.stringify([
    d.type,
    ...CRITERIA.map(c => d[c as keyof ResolvedDefinition] ?? null),
  ]);

function describe(d: Omit<ResolvedDefinition, 'id' | 'origin'>): string {
  const where = [
    d.class && `class ${d.class}`,
    d.environmentType && `environment type ${d.environmentType}`,
    d.environment && `environment ${d.environment}`,
    d.component && d.component,
  ].filter(Boolean);
  return `${d.type}${where.length ? ` (${where.join(', ')})` : ''} → ${
    d.driver
  }`;
}

/**
 * Checks resource definitions (from config or a module) against the known
 * drivers; throws one InputError naming every bad field, e.g.
 * `stagecraft.resources.definitions[2].driver`.
 */
export function checkDefinitions(
  input: unknown[],
  drivers: ReadonlyMap<string, ResourceDriver>,
  where: string,
  origin: ResolvedDefinition['origin'],
): ResolvedDefinition[] {
  const errors: FieldError[] = [];
  const out: ResolvedDefinition[] = [];
  input.forEach((raw, i) => {
    const at = `${where}[${i}]`;
    const fail = (field: string, message: string) =>
      errors.push({ field: `${at}.${field}`, message: `${at}.${message}` });
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ field: at, message: `${at} must be an object` });
      return;
    }
    const d = raw as Record<string, unknown>;
    for (const key of Object.keys(d)) {
      if (!KNOWN.includes(key)) fail(key, `${key} is not a known field`);
    }
    const word = (field: string, required: boolean) => {
      const v = d[field];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || !WORD.test(v)) {
        fail(
          field,
          `${field} must be 1-63 letters, digits and "-" (got ${JSON.stringify(
            v,
          )})`,
        );
        return undefined;
      }
      return v;
    };
    const label = (field: string) => {
      if (d[field] === undefined) return undefined;
      const e = validateDnsLabel(d[field], `${at}.${field}`);
      if (e) errors.push(e);
      return e ? undefined : (d[field] as string);
    };
    const type = word('type', true);
    const cls = word('class', false);
    const environmentType = label('environmentType');
    const environment = label('environment');
    let component: string | undefined;
    if (d.component !== undefined) {
      try {
        component = normalizeComponentRef(d.component);
      } catch {
        fail(
          'component',
          'component must be a component reference such as "component:default/checkout"',
        );
      }
    }
    const driverName = d.driver;
    const driver =
      typeof driverName === 'string' ? drivers.get(driverName) : undefined;
    if (!driver) {
      fail(
        'driver',
        `driver ${JSON.stringify(driverName)} is not a registered driver (${[
          ...drivers.keys(),
        ]
          .sort()
          .join(', ')})`,
      );
    }
    const params = d.params ?? {};
    if (
      typeof params !== 'object' ||
      params === null ||
      Array.isArray(params)
    ) {
      fail('params', 'params must be an object');
      return;
    }
    if (d.id !== undefined && (typeof d.id !== 'string' || !d.id.trim())) {
      fail('id', 'id must be a non-empty string');
    }
    for (const problem of driver?.validate?.(
      params as Record<string, unknown>,
    ) ?? []) {
      fail('params', problem);
    }
    if (!type || !driver) return;
    const base = {
      type,
      ...(cls && { class: cls }),
      ...(environmentType && { environmentType }),
      ...(environment && { environment }),
      ...(component && { component }),
      driver: driver.name,
      params: params as Record<string, unknown>,
    };
    out.push({
      ...base,
      id: typeof d.id === 'string' && d.id.trim() ? d.id : describe(base),
      origin,
    });
  });
  if (errors.length) throw new InputError(errors);
  const seen = new Map<string, number>();
  out.forEach((d, i) => {
    const key = criteriaKey(d);
    if (seen.has(key)) {
      errors.push({
        field: where,
        message: `${where}: "${d.id}" has the same type and criteria as "${
          out[seen.get(key)!].id
        }"; keep one`,
      });
    }
    seen.set(key, i);
  });
  if (errors.length) throw new InputError(errors);
  return out;
}

/** Module definitions replace configured ones with the same criteria. */
export function mergeDefinitions(
  configured: ResolvedDefinition[],
  fromModules: ResolvedDefinition[],
): ResolvedDefinition[] {
  const overridden = new Set(fromModules.map(criteriaKey));
  return [
    ...configured.filter(d => !overridden.has(criteriaKey(d))),
    ...fromModules,
  ];
}

/**
 * The most specific definition matching a request, or undefined. Each
 * criterion a definition sets must equal the request's; a definition without
 * a class matches every class.
 */
export function matchDefinition(
  definitions: ResolvedDefinition[],
  q: ResourceQuery,
): ResolvedDefinition | undefined {
  let best: ResolvedDefinition | undefined;
  for (const d of definitions) {
    if (d.type !== q.type) continue;
    if (d.class !== undefined && d.class !== q.class) continue;
    if (d.environment !== undefined && d.environment !== q.environment)
      continue;
    if (
      d.environmentType !== undefined &&
      d.environmentType !== q.environmentType
    )
      continue;
    if (d.component !== undefined && d.component !== q.component) continue;
    if (!best || specificity(d) > specificity(best)) best = d;
  }
  return best;
}
