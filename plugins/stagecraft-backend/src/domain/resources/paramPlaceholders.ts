/**
 * Score placeholders in resource `params` (`${metadata.name}`,
 * `${resources.dns.host}`, as score-compose and score-k8s expand them): a
 * resource whose params read another's outputs is planned after it, a cycle
 * is refused, and a secret output is refused (params end up in plain
 * objects and records, never in a secretKeyRef).
 */
import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ResourceOutputs } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  expandVariableParts,
  PlaceholderContext,
  referencedResources,
} from '../workloads/placeholders';
import type { WorkloadSpec } from '../workloads';

/** What planning needs of a resource to order and expand its params. */
interface WithParams {
  /** The workload's names for it (`resources.<name>`). */
  resourceNames: string[];
  params: Record<string, unknown>;
}

function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value);
  else if (Array.isArray(value)) value.forEach(v => strings(v, found));
  else if (value && typeof value === 'object') {
    Object.values(value).forEach(v => strings(v, found));
  }
  return found;
}

/** The workload's resources whose outputs `params` read. */
export function paramReferences(params: Record<string, unknown>): Set<string> {
  return new Set(strings(params).flatMap(referencedResources));
}

/**
 * The resources in an order where each comes after those its params read;
 * a cycle is a 400 naming the first resource on it and the cycle.
 */
export function orderByParams<T extends WithParams>(planned: T[]): T[] {
  const byName = new Map<string, T>();
  for (const p of planned) for (const n of p.resourceNames) byName.set(n, p);
  const ordered: T[] = [];
  const state = new Map<T, 'visiting' | 'done'>();
  const visit = (p: T, path: string[]) => {
    if (state.get(p) === 'done') return;
    if (state.get(p) === 'visiting') {
      const name = p.resourceNames[0];
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      throw new InputError([
        {
          field: `resources.${name}.params`,
          message: `resources.${name}.params: the params of these resources read each other's outputs in a cycle: ${cycle}`,
        },
      ]);
    }
    state.set(p, 'visiting');
    for (const ref of paramReferences(p.params)) {
      const dep = byName.get(ref);
      if (dep && dep !== p) visit(dep, [...path, p.resourceNames[0]]);
    }
    state.set(p, 'done');
    ordered.push(p);
  };
  for (const p of planned) visit(p, []);
  return ordered;
}

/**
 * `params` with every placeholder substituted from `context` (the
 * workload's metadata and the outputs of the resources planned before);
 * unknown references and secret outputs are one 400 naming each field.
 */
export function expandParams(
  resourceName: string,
  params: Record<string, unknown>,
  context: PlaceholderContext,
): Record<string, unknown> {
  const errors: FieldError[] = [];
  const expand = (value: unknown, field: string): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value;
      try {
        const parts = expandVariableParts(value, context, field);
        if (parts.some(part => typeof part !== 'string')) {
          errors.push({
            field,
            message: `${field} references a secret output: params are written into plain objects, so only plain outputs may be used there`,
          });
          return value;
        }
        return parts.join('');
      } catch (e) {
        if (e instanceof InputError) errors.push(...e.errors);
        else throw e;
        return value;
      }
    }
    if (Array.isArray(value)) {
      return value.map((v, i) => expand(v, `${field}[${i}]`));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, expand(v, `${field}.${k}`)]),
      );
    }
    return value;
  };
  const expanded = expand(params, `resources.${resourceName}.params`);
  if (errors.length) throw new InputError(errors);
  return expanded as Record<string, unknown>;
}

/**
 * The planned resources in the order their params need (each after the
 * resources whose outputs its params read), with the placeholders in their
 * params substituted; `outputsOf` reads a resource's outputs without
 * writing anything (only of resources another one's params read).
 */
export async function planParams<T extends WithParams>(
  planned: T[],
  spec: Pick<WorkloadSpec, 'metadata' | 'resources'>,
  outputsOf: (p: T) => Promise<ResourceOutputs>,
): Promise<T[]> {
  const ordered = orderByParams(planned);
  const read = new Set(ordered.flatMap(p => [...paramReferences(p.params)]));
  const resourceOutputs: Record<string, ResourceOutputs> = {};
  for (const p of ordered) {
    p.params = expandParams(p.resourceNames[0], p.params, {
      metadata: spec.metadata as Record<string, unknown>,
      resources: spec.resources ?? {},
      resourceOutputs,
    });
    if (!p.resourceNames.some(n => read.has(n))) continue;
    const outputs = await outputsOf(p);
    for (const n of p.resourceNames) resourceOutputs[n] = outputs;
  }
  return ordered;
}
