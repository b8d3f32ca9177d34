/**
 * Score `volumes`: a container mounts a volume a resource provides. The
 * source is a placeholder naming the resource (`${resources.data}`); the
 * resource's `claimName` output names the PersistentVolumeClaim mounted.
 */
import type { FieldError } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  absolutePathProblem,
  isObject,
  Problems,
  Segments,
  targetEntries,
} from './fields';
import { splitReference } from './placeholders';
import type { OutputValue } from './placeholders';
import type { WorkloadVolume } from './types';

/** `${resources.<name>}`, the only volume source Stagecraft resolves. */
const RESOURCE_SOURCE = /^\$\{resources\.((?:[^}\\]|\\.)+)\}$/;

/** The resource a volume source names, or undefined when it names none. */
export function volumeResource(source: string): string | undefined {
  const m = RESOURCE_SOURCE.exec(source);
  if (!m) return undefined;
  const parts = splitReference(m[1]);
  return parts.length === 1 ? parts[0] : undefined;
}

/** Checks the volumes of one container. */
export function checkVolumes(
  volumes: unknown,
  base: Segments,
  container: string,
  resources: Record<string, unknown>,
  fileTargets: Set<string>,
  problems: Problems,
) {
  const seen = new Set<string>();
  for (const { segments, targetSegments, entry, target } of targetEntries(
    volumes,
    base,
  )) {
    if (typeof target === 'string') {
      if (absolutePathProblem(target)) {
        problems.addValue(
          targetSegments,
          target,
          'must be an absolute directory path without "." or ".." parts, e.g. /var/lib/data',
        );
      } else if (seen.has(target) || fileTargets.has(target)) {
        problems.addValue(
          targetSegments,
          target,
          `is mounted more than once in container "${container}"`,
        );
      }
      seen.add(target);
    }
    if (typeof entry.source === 'string') {
      const name = volumeResource(entry.source);
      const field = [...segments, 'source'];
      if (name === undefined) {
        problems.add(
          field,
          `"${entry.source}" must name a resource that provides the volume, as \${resources.<name>} (Stagecraft mounts volumes only from resources, e.g. of type volume)`,
        );
      } else if (!Object.prototype.hasOwnProperty.call(resources, name)) {
        problems.add(
          field,
          `references resource "${name}", which is not declared in resources`,
        );
      }
    }
    if (typeof entry.path === 'string') {
      const path = entry.path.replace(/^\/+/, '');
      if (path.split('/').some(part => part === '..')) {
        problems.add(
          [...segments, 'path'],
          `"${entry.path}" must be a path inside the volume (no ".." parts)`,
        );
      }
    }
  }
}

/** The volumes of a container as a list, in the order they were written. */
export function normaliseVolumes(
  volumes: unknown,
): WorkloadVolume[] | undefined {
  if (volumes === undefined) return undefined;
  return targetEntries(volumes, []).map(
    ({ entry, target }) => ({ ...entry, target } as WorkloadVolume),
  );
}

/** The Kubernetes volume source of a resource's outputs, or the problem. */
export function kubernetesVolumeSource(
  resource: string,
  outputs: Record<string, OutputValue> | undefined,
  field: string,
): { persistentVolumeClaim: { claimName: string } } | FieldError {
  const claimName = outputs?.claimName;
  if (typeof claimName === 'string' && claimName.length > 0) {
    return { persistentVolumeClaim: { claimName } };
  }
  const available = isObject(outputs) ? Object.keys(outputs).sort() : [];
  return {
    field,
    message: `${field} references resource "${resource}", which provides no volume: it needs a claimName output naming a PersistentVolumeClaim${
      available.length ? ` (its outputs: ${available.join(', ')})` : ''
    }; use a resource of type volume`,
  };
}

/** Kubernetes subPath of a Score volume path (relative, no leading "/"). */
export function subPath(path: string | undefined): string | undefined {
  const trimmed = path?.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? trimmed : undefined;
}
