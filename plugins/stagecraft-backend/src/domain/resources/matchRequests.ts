import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import type { ComponentInfo, EnvironmentRecord } from '../ports';
import type { WorkloadSpec } from '../workloads';
import { matchDefinition, ResolvedDefinition } from './definitions';
import { Planned, resourceObjectName } from './driverContext';

/**
 * The resources a workload requests, each matched to its definition and
 * driver and named in the environment (`<component>-<resource>`, or its
 * shared `id`); every request no definition matches is one 400 naming the
 * type and the environment.
 */
export function matchRequests(
  component: ComponentInfo,
  env: EnvironmentRecord,
  spec: WorkloadSpec,
  definitions: ResolvedDefinition[],
  drivers: ReadonlyMap<string, ResourceDriver>,
): Map<string, Planned> {
  const errors: FieldError[] = [];
  const byName = new Map<string, Planned>();
  for (const [resourceName, r] of Object.entries(spec.resources ?? {})) {
    const cls = r.class ?? 'default';
    const definition = matchDefinition(definitions, {
      type: r.type,
      class: cls,
      environment: env.name,
      environmentType: env.type,
      component: component.ref,
    });
    if (!definition) {
      errors.push({
        field: `resources.${resourceName}.type`,
        message: `resources.${resourceName}: no resource definition for type "${
          r.type
        }"${cls === 'default' ? '' : ` (class "${cls}")`} in environment "${
          env.name
        }" (environment type "${
          env.type
        }"); a platform engineer can add one to stagecraft.resources.definitions`,
      });
      continue;
    }
    const driver = drivers.get(definition.driver)!;
    const key =
      r.id !== undefined ? `id:${r.id}` : `${component.ref}#${resourceName}`;
    const name = resourceObjectName(
      r.id ?? `${component.name}-${resourceName}`,
    );
    const same = byName.get(name);
    if (same) {
      if (same.key !== key || same.type !== r.type || same.class !== cls) {
        errors.push({
          field: `resources.${resourceName}`,
          message: `resources.${resourceName} and resources.${same.resourceNames[0]} would both be the resource "${name}" but differ in id, type or class`,
        });
      } else {
        same.resourceNames.push(resourceName);
      }
      continue;
    }
    byName.set(name, {
      name,
      key,
      type: r.type,
      class: cls,
      ...(r.id !== undefined && { id: r.id }),
      params: (r.params ?? {}) as Record<string, unknown>,
      ...(r.metadata?.annotations && {
        annotations: r.metadata.annotations,
      }),
      resourceNames: [resourceName],
      definition,
      driver,
    });
  }
  if (errors.length) throw new InputError(errors);
  return byName;
}
