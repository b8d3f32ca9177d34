/** Field paths and small helpers shared by the workload parser's modules. */
import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/** A path into the workload: object keys and list indexes. */
export type Segments = Array<string | number>;

/**
 * A readable field path: `containers.main.files[0].target`, with keys that are
 * not plain words quoted: `containers.main.files["/etc/app.conf"]`.
 */
export function fieldPath(segments: Segments): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else if (/^[A-Za-z0-9_-]+$/.test(segment)) {
      out += out ? `.${segment}` : segment;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}

/** The error of `field` naming a container the workload does not declare. */
export function unknownContainer(
  field: string,
  name: string,
  names: string[],
): FieldError {
  return {
    field,
    message: `${field} names container "${name}", which the workload does not declare (it has ${names.join(
      ', ',
    )})`,
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function fail(field: string, message: string): never {
  throw new InputError([{ field, message }]);
}

/** Collects field errors; `add` names the field once for both parts. */
export class Problems {
  readonly errors: FieldError[] = [];

  add(segments: Segments | string, message: string, separator = ' ') {
    const field = typeof segments === 'string' ? segments : fieldPath(segments);
    this.errors.push({ field, message: `${field}${separator}${message}` });
  }

  /** A problem with a value, shown after the field: `field "value" message`. */
  addValue(segments: Segments, value: string, message: string) {
    const field = fieldPath(segments);
    this.errors.push({
      field,
      message: `${field} ${JSON.stringify(value)} ${message}`,
    });
  }

  push(...errors: FieldError[]) {
    this.errors.push(...errors);
  }
}

/**
 * An entry of a map-or-list Score field (`files`, `volumes`): the map form
 * keyed by target path, or the deprecated list form with `target` inside.
 */
export interface TargetEntry {
  segments: Segments;
  /** Where the target is named: the map key, or `[i].target`. */
  targetSegments: Segments;
  entry: Record<string, unknown>;
  target: unknown;
}

export function targetEntries(value: unknown, base: Segments): TargetEntry[] {
  const out: TargetEntry[] = [];
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      if (isObject(entry)) {
        out.push({
          segments: [...base, i],
          targetSegments: [...base, i, 'target'],
          entry,
          target: entry.target,
        });
      }
    });
  } else if (isObject(value)) {
    for (const [target, entry] of Object.entries(value)) {
      if (isObject(entry)) {
        out.push({
          segments: [...base, target],
          targetSegments: [...base, target],
          entry,
          target,
        });
      }
    }
  }
  return out;
}

/** The problem with an absolute container path, if any. */
export function absolutePathProblem(target: string): string | undefined {
  if (
    !target.startsWith('/') ||
    (target.length > 1 && target.endsWith('/')) ||
    target.split('/').some(part => part === '..' || part === '.')
  ) {
    return 'must be an absolute path without "." or ".." parts';
  }
  return undefined;
}
