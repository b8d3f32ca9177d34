import type { DriftedField } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';

export type { DriftedField };

/** Keys of list items Kubernetes merges by (so order changes are not drift). */
const MERGE_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'type'];

function keyOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const k = MERGE_KEYS.find(m => m in item);
  return k ? String((item as Record<string, unknown>)[k]) : undefined;
}

function walk(
  object: string,
  path: string,
  expected: unknown,
  actual: unknown,
  out: DriftedField[],
) {
  if (Array.isArray(expected)) {
    const keyed = expected.every(e => keyOf(e) !== undefined);
    if (keyed && Array.isArray(actual)) {
      for (const e of expected) {
        const k = keyOf(e)!;
        walk(
          object,
          `${path}[${k}]`,
          e,
          actual.find(a => keyOf(a) === k),
          out,
        );
      }
      return;
    }
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      out.push({ object, path, expected, actual });
    }
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) {
      out.push({ object, path, expected, actual });
      return;
    }
    for (const [k, v] of Object.entries(expected)) {
      walk(
        object,
        path ? `${path}.${k}` : k,
        v,
        (actual as Record<string, unknown>)[k],
        out,
      );
    }
    return;
  }
  // quantities and ports may come back as numbers or strings
  if (String(expected) !== String(actual)) {
    out.push({ object, path, expected, actual });
  }
}

/**
 * Fields of the desired objects (what the last release applied) whose live
 * value differs. Only fields Stagecraft sets are compared, so defaults the
 * API server adds are not drift; a missing object is drift of the whole object.
 */
export function driftOf(
  pairs: Array<{ desired: KubeObject; live: KubeObject | undefined }>,
): DriftedField[] {
  const out: DriftedField[] = [];
  for (const { desired, live } of pairs) {
    const name = `${desired.kind}/${desired.metadata.name}`;
    if (!live) {
      out.push({
        object: name,
        path: '',
        expected: 'present',
        actual: 'missing',
      });
      continue;
    }
    const { metadata, ...rest } = desired;
    walk(
      name,
      'metadata.labels',
      metadata.labels ?? {},
      live.metadata.labels ?? {},
      out,
    );
    walk(
      name,
      'metadata.annotations',
      metadata.annotations ?? {},
      live.metadata.annotations ?? {},
      out,
    );
    walk(name, '', rest, live, out);
  }
  return out;
}
