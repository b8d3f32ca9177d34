import { parseAllDocuments } from 'yaml';
import {
  FieldError,
  validateDnsSubdomain,
  validateLabelValue,
  validateMetadataKey,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';

/** Limits on what the guarded apply takes in one request. */
export const MANIFEST_LIMITS = {
  /** Bytes of YAML (the JSON body limit of the router is the outer bound). */
  maxBytes: 48 * 1024,
  maxDocuments: 50,
  /** YAML aliases per request: a few are normal, thousands are a bomb. */
  maxAliases: 20,
  /** Nesting depth of any one object. */
  maxDepth: 32,
  maxAnnotationBytes: 16 * 1024,
};

function depthOf(value: unknown, depth = 0): number {
  if (depth > MANIFEST_LIMITS.maxDepth) return depth;
  if (typeof value !== 'object' || value === null) return depth;
  let max = depth;
  for (const v of Object.values(value)) {
    max = Math.max(max, depthOf(v, depth + 1));
    if (max > MANIFEST_LIMITS.maxDepth) break;
  }
  return max;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one object's shape and metadata; pushes errors under `field`. */
function checkObject(
  value: unknown,
  field: string,
  errors: FieldError[],
): KubeObject | undefined {
  if (!isObject(value)) {
    errors.push({ field, message: `${field} must be a Kubernetes object` });
    return undefined;
  }
  const before = errors.length;
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) {
    errors.push({
      field: `${field}.apiVersion`,
      message: `${field}.apiVersion is required`,
    });
  }
  if (
    typeof value.kind !== 'string' ||
    !/^[A-Z][A-Za-z0-9]{0,62}$/.test(value.kind)
  ) {
    errors.push({
      field: `${field}.kind`,
      message: `${field}.kind must be a Kubernetes kind such as "ConfigMap"`,
    });
  }
  const metadata = value.metadata;
  if (!isObject(metadata)) {
    errors.push({
      field: `${field}.metadata`,
      message: `${field}.metadata with a name is required`,
    });
    return undefined;
  }
  const nameError = validateDnsSubdomain(
    metadata.name,
    `${field}.metadata.name`,
  );
  if (nameError) errors.push(nameError);
  for (const key of ['generateName', 'ownerReferences', 'finalizers']) {
    if (metadata[key] !== undefined) {
      errors.push({
        field: `${field}.metadata.${key}`,
        message: `${field}.metadata.${key} is not accepted: objects are named and owned by Stagecraft`,
      });
    }
  }
  for (const kind of ['labels', 'annotations'] as const) {
    const map = metadata[kind];
    if (map === undefined) continue;
    if (!isObject(map)) {
      errors.push({
        field: `${field}.metadata.${kind}`,
        message: `${field}.metadata.${kind} must be a map of strings`,
      });
      continue;
    }
    for (const [key, v] of Object.entries(map)) {
      const keyField = `${field}.metadata.${kind}.${key.slice(0, 80)}`;
      const keyError = validateMetadataKey(key, keyField);
      if (keyError) errors.push(keyError);
      const valueError =
        kind === 'labels'
          ? validateLabelValue(v, keyField)
          : typeof v !== 'string' && {
              field: keyField,
              message: `${keyField} must be a string`,
            };
      if (valueError) errors.push(valueError);
    }
    if (
      kind === 'annotations' &&
      JSON.stringify(map).length > MANIFEST_LIMITS.maxAnnotationBytes
    ) {
      errors.push({
        field: `${field}.metadata.annotations`,
        message: `${field}.metadata.annotations exceed ${MANIFEST_LIMITS.maxAnnotationBytes} bytes`,
      });
    }
  }
  if (depthOf(value) > MANIFEST_LIMITS.maxDepth) {
    errors.push({
      field,
      message: `${field} is nested deeper than ${MANIFEST_LIMITS.maxDepth} levels`,
    });
  }
  return errors.length === before ? (value as KubeObject) : undefined;
}

/**
 * Parses `manifests` — YAML text with one or more documents, or an array of
 * objects — within size, document, alias and depth limits, checking each
 * object's shape, name and labels. Throws one 400 naming every bad field.
 */
export function parseManifests(manifests: unknown): KubeObject[] {
  const errors: FieldError[] = [];
  let values: unknown[] = [];
  if (typeof manifests === 'string') {
    if (Buffer.byteLength(manifests) > MANIFEST_LIMITS.maxBytes) {
      throw new InputError([
        {
          field: 'manifests',
          message: `manifests must be at most ${MANIFEST_LIMITS.maxBytes} bytes`,
        },
      ]);
    }
    const docs = parseAllDocuments(manifests, {
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const [i, doc] of list.entries()) {
      const field = `manifests[${i}]`;
      // warnings too: an unknown tag (`!!js/function`) only warns and
      // would quietly become a string
      const problem = doc.errors[0] ?? doc.warnings[0];
      if (problem) {
        errors.push({
          field,
          message: `${field} is not valid YAML: ${
            problem.message.split('\n')[0]
          }`,
        });
        continue;
      }
      try {
        values.push(doc.toJS({ maxAliasCount: MANIFEST_LIMITS.maxAliases }));
      } catch (e) {
        errors.push({
          field,
          message: `${field} could not be read: ${(e as Error).message}`,
        });
      }
    }
    // empty documents (a trailing `---`) carry nothing
    values = values.filter(v => v !== null && v !== undefined);
  } else if (Array.isArray(manifests)) {
    values = manifests;
  } else {
    throw new InputError([
      {
        field: 'manifests',
        message:
          'manifests is required: YAML text (documents separated by ---) or an array of objects',
      },
    ]);
  }
  if (errors.length) throw new InputError(errors);
  if (values.length === 0 || values.length > MANIFEST_LIMITS.maxDocuments) {
    throw new InputError([
      {
        field: 'manifests',
        message: `manifests must hold 1 to ${MANIFEST_LIMITS.maxDocuments} objects (got ${values.length})`,
      },
    ]);
  }
  const objects: KubeObject[] = [];
  values.forEach((v, i) => {
    if (isObject(v) && typeof v.kind === 'string' && v.kind.endsWith('List')) {
      errors.push({
        field: `manifests[${i}].kind`,
        message: `manifests[${i}] is a ${v.kind}; send its items as separate documents`,
      });
      return;
    }
    const o = checkObject(v, `manifests[${i}]`, errors);
    if (o) objects.push(o);
  });
  if (errors.length) throw new InputError(errors);
  const seen = new Set<string>();
  objects.forEach((o, i) => {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) {
      errors.push({
        field: `manifests[${i}]`,
        message: `manifests[${i}] repeats ${o.kind}/${o.metadata.name}`,
      });
    }
    seen.add(key);
  });
  if (errors.length) throw new InputError(errors);
  return objects;
}
