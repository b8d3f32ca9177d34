/**
 * The Score workload parser: YAML (or JSON) text in, a validated and
 * normalised WorkloadSpec out, or a InputError (HTTP 400) whose messages
 * name each offending field. A workload is checked against the official
 * Score schema (score.dev/v1b1, vendored in `schema/`) and then by
 * Stagecraft's own checks (`checks.ts`); where both find fault with the same
 * field, Stagecraft's more precise message is kept.
 */
import { parseAllDocuments } from 'yaml';
import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { semanticProblems } from './checks';
import { fail, fieldPath, isObject } from './fields';
import { normaliseFiles } from './files';
import { scoreSchemaErrors } from './schema';
import type { WorkloadSpec } from './types';
import { normaliseVolumes } from './volumes';

export * from './types';
export { fieldPath } from './fields';

/** Limits that keep a hostile or broken spec from exhausting the backend. */
export const WORKLOAD_SPEC_LIMITS = {
  /** Largest accepted document, in UTF-8 bytes. */
  maxBytes: 256 * 1024,
  /** Most YAML alias (`*ref`) resolutions (billion-laughs protection). */
  maxAliasCount: 50,
  /** Deepest nesting of mappings and sequences. */
  maxDepth: 32,
} as const;

/** Refuses `__proto__` keys, non-finite numbers and nesting deeper than the limit. */
function structureProblem(
  value: unknown,
  source: string,
): FieldError | undefined {
  const stack: Array<{
    v: unknown;
    depth: number;
    path: Array<string | number>;
  }> = [{ v: value, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      const field = fieldPath(path) || source;
      return { field, message: `${field} must be a finite number` };
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= WORKLOAD_SPEC_LIMITS.maxDepth) {
      return {
        field: fieldPath(path) || source,
        message: `${source} nests deeper than ${
          WORKLOAD_SPEC_LIMITS.maxDepth
        } levels (at ${fieldPath(path)})`,
      };
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) =>
        stack.push({ v: item, depth: depth + 1, path: [...path, i] }),
      );
    } else {
      for (const key of Object.keys(v)) {
        if (key === '__proto__') {
          const field = fieldPath([...path, key]);
          return { field, message: `${field} is not an allowed key` };
        }
        stack.push({
          v: (v as Record<string, unknown>)[key],
          depth: depth + 1,
          path: [...path, key],
        });
      }
    }
  }
  return undefined;
}

/**
 * YAML reads `cpu: 1` as a number; Score wants a string. Numbers are read as
 * the quantity they spell (a documented leniency), before the schema runs.
 */
function quantitiesAsStrings(raw: Record<string, unknown>) {
  const containers = isObject(raw.containers) ? raw.containers : {};
  for (const container of Object.values(containers)) {
    if (!isObject(container) || !isObject(container.resources)) continue;
    for (const bound of ['requests', 'limits']) {
      const quantities = container.resources[bound];
      if (!isObject(quantities)) continue;
      for (const kind of ['cpu', 'memory']) {
        const value = quantities[kind];
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
          quantities[kind] = String(value);
        }
      }
    }
  }
}

function normalise(spec: Record<string, unknown>): WorkloadSpec {
  const out = spec as unknown as WorkloadSpec;
  for (const container of Object.values(out.containers)) {
    const files = normaliseFiles(container.files);
    if (files) container.files = files;
    else delete container.files;
    const volumes = normaliseVolumes(container.volumes);
    if (volumes) container.volumes = volumes;
    else delete container.volumes;
  }
  return out;
}

/** Schema findings for fields Stagecraft's checks did not already explain. */
function merge(schema: FieldError[], semantic: FieldError[]): FieldError[] {
  // one finding per field: Stagecraft's if it has one, else the schema's first
  const explained = new Set(semantic.map(e => e.field));
  const all = [
    ...schema.filter(
      (e, i) =>
        !explained.has(e.field) &&
        schema.findIndex(o => o.field === e.field) === i,
    ),
    ...semantic,
  ];
  return all.filter(
    (e, i) => all.findIndex(o => o.message === e.message) === i,
  );
}

/**
 * Validates an already-parsed workload spec (an inline annotation, an API
 * body) and returns it normalised: `files` and `volumes` as lists (the map
 * form keyed by target path and the deprecated list form are both read),
 * numeric quantities as strings. Throws a
 * InputError listing every problem, each naming its field.
 */
export function validateWorkloadSpec(
  obj: unknown,
  source = 'workload',
): WorkloadSpec {
  const structural = structureProblem(obj, source);
  if (structural) throw new InputError([structural]);
  if (!isObject(obj)) {
    fail(
      source,
      `${source} must be a mapping with apiVersion, metadata and containers`,
    );
  }
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  quantitiesAsStrings(copy);
  const errors = merge(scoreSchemaErrors(copy), semanticProblems(copy));
  if (errors.length > 0) throw new InputError(errors);
  return normalise(copy);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/**
 * Parses a workload spec from YAML or JSON text (one document, at most
 * 256 KiB, at most 50 alias uses, at most 32 levels deep) and validates it.
 * `source` names the document in messages, e.g. "stagecraft.yaml".
 */
export function parseWorkloadSpec(
  text: string,
  source = 'workload',
): WorkloadSpec {
  if (typeof text !== 'string') {
    fail(source, `${source} must be YAML or JSON text`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > WORKLOAD_SPEC_LIMITS.maxBytes) {
    fail(
      source,
      `${source} is ${Math.ceil(
        bytes / 1024,
      )} KiB; a workload spec may be at most ${
        WORKLOAD_SPEC_LIMITS.maxBytes / 1024
      } KiB`,
    );
  }
  const documents = parseAllDocuments(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    stringKeys: true,
    prettyErrors: true,
  });
  if (documents.length === 0) fail(source, `${source} is empty`);
  if (documents.length > 1) {
    fail(
      source,
      `${source} contains ${documents.length} YAML documents; a workload spec must be a single document (remove the "---" separators)`,
    );
  }
  const document = documents[0];
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.slice(0, 5).map(e => ({
        field: source,
        message:
          e.code === 'RESOURCE_EXHAUSTION'
            ? `${source} nests too deeply to be parsed`
            : `${source} is not valid YAML: ${firstLine(e.message)}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({
      maxAliasCount: WORKLOAD_SPEC_LIMITS.maxAliasCount,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(message)) {
      fail(
        source,
        `${source} uses YAML aliases too often (more than ${WORKLOAD_SPEC_LIMITS.maxAliasCount} alias expansions); write the values out instead`,
      );
    }
    if (e instanceof RangeError)
      fail(source, `${source} nests too deeply to be parsed`);
    fail(source, `${source} could not be read: ${firstLine(message)}`);
  }
  if (value === null || value === undefined) fail(source, `${source} is empty`);
  return validateWorkloadSpec(value, source);
}
