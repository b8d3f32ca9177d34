/**
 * Score `containers.<name>.before`: containers that must reach a state
 * before this one starts, laid out the way Kubernetes can express it:
 *
 * - `complete`: an init container (runs to completion first);
 * - `started`: a native sidecar (an init container with `restartPolicy:
 *   Always`; the pod goes on once it has started);
 * - `healthy`: a native sidecar whose startupProbe is its own readiness (or
 *   liveness) probe, so the pod goes on once it is healthy.
 *
 * Init containers run in dependency order (ties by name); every container no
 * other one waits for is a main container. What Kubernetes cannot express is
 * refused: a cycle, one container asked for two different states, a
 * container run to completion that has probes, `healthy` without a probe, or
 * no main container left.
 */
import type { FieldError } from '@stagecraft/backstage-plugin-stagecraft-common';
import { fieldPath, isObject, unknownContainer } from './fields';

/** How one container is laid out in the pod. */
export interface InitContainerLayout {
  name: string;
  /** true: native sidecar (restartPolicy Always); false: runs to completion. */
  sidecar: boolean;
  /** The probe whose copy becomes the sidecar's startupProbe (`healthy`). */
  startupProbe?: 'readinessProbe' | 'livenessProbe';
}

export interface PodLayout {
  /** In the order Kubernetes runs them. */
  init: InitContainerLayout[];
  /** In the order the workload declares them. */
  main: string[];
}

const READY = ['started', 'healthy', 'complete'];

/**
 * The pod layout of the containers, or the problems (each naming the
 * `before` entry at fault). Malformed entries the schema refuses are skipped.
 */
export function podLayout(
  containers: Record<string, unknown>,
): PodLayout | FieldError[] {
  const names = Object.keys(containers);
  const errors: FieldError[] = [];
  const wanted = new Map<string, Map<string, string>>(); // dependency → ready → asked by
  const dependsOn = new Map<string, string[]>();
  for (const name of names) {
    const before = (containers[name] as Record<string, unknown> | undefined)
      ?.before;
    if (!isObject(before)) continue;
    const deps: string[] = [];
    for (const [dep, condition] of Object.entries(before)) {
      const field = fieldPath(['containers', name, 'before', dep]);
      const ready = isObject(condition) ? condition.ready : undefined;
      if (typeof ready !== 'string' || !READY.includes(ready)) continue;
      if (dep === name) {
        errors.push({
          field,
          message: `${field}: a container cannot wait for itself`,
        });
        continue;
      }
      if (!names.includes(dep)) {
        errors.push(unknownContainer(field, dep, names));
        continue;
      }
      deps.push(dep);
      if (!wanted.has(dep)) wanted.set(dep, new Map());
      const byReady = wanted.get(dep)!;
      if (!byReady.has(ready)) byReady.set(ready, name);
    }
    dependsOn.set(name, deps.sort());
  }

  const init = new Map<string, InitContainerLayout>();
  for (const [dep, byReady] of wanted) {
    if (byReady.size > 1) {
      const asks = [...byReady].map(
        ([ready, by]) => `"${by}" waits for it to be ${ready}`,
      );
      const field = fieldPath([
        'containers',
        [...byReady.values()][1],
        'before',
        dep,
      ]);
      errors.push({
        field,
        message: `${field}: container "${dep}" can run either to completion before the others (complete) or alongside them (started, healthy), not both: ${asks.join(
          ', ',
        )}`,
      });
      continue;
    }
    const [[ready, by]] = [...byReady];
    const container = containers[dep] as Record<string, unknown>;
    const field = fieldPath(['containers', by, 'before', dep, 'ready']);
    if (ready === 'complete') {
      const probes = ['livenessProbe', 'readinessProbe'].filter(
        p => container[p] !== undefined,
      );
      if (probes.length) {
        errors.push({
          field: fieldPath(['containers', dep, probes[0]]),
          message: `${fieldPath([
            'containers',
            dep,
            probes[0],
          ])} cannot be used: container "${dep}" runs to completion before the others start (containers.${by}.before.${dep}.ready is complete), as a Kubernetes init container, and init containers have no probes`,
        });
        continue;
      }
      init.set(dep, { name: dep, sidecar: false });
    } else if (ready === 'healthy') {
      const probe = (['readinessProbe', 'livenessProbe'] as const).find(
        p => container[p] !== undefined,
      );
      if (!probe) {
        errors.push({
          field,
          message: `${field} is healthy, but container "${dep}" has no readinessProbe or livenessProbe to tell when it is healthy: give it one, or wait for started`,
        });
        continue;
      }
      init.set(dep, { name: dep, sidecar: true, startupProbe: probe });
    } else {
      init.set(dep, { name: dep, sidecar: true });
    }
  }
  if (errors.length) return errors;

  const main = names.filter(n => !init.has(n));
  if (main.length === 0 && names.length > 0) {
    return [
      {
        field: 'containers',
        message:
          'containers: every container waits for another one (before), so none is left to run as the main container',
      },
    ];
  }
  // init containers in dependency order (Kahn, ties by name)
  const ordered: InitContainerLayout[] = [];
  const placed = new Set<string>();
  const pending = [...init.keys()].sort();
  while (pending.length) {
    const next = pending.find(n =>
      (dependsOn.get(n) ?? []).every(d => placed.has(d)),
    );
    if (!next) {
      const field = fieldPath(['containers', pending[0], 'before']);
      return [
        {
          field,
          message: `${field}: containers ${pending.join(
            ', ',
          )} wait for each other in a cycle`,
        },
      ];
    }
    pending.splice(pending.indexOf(next), 1);
    placed.add(next);
    ordered.push(init.get(next)!);
  }
  return { init: ordered, main };
}
