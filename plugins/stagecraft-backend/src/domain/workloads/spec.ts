/**
 * The Score-compatible workload spec (a subset of score.dev v1b1) and its
 * parser: YAML (or JSON) text in, a validated and normalised WorkloadSpec out,
 * or a ValidationError (HTTP 400) whose messages name each offending field.
 */
import Ajv, { ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import {
  FieldError,
  validateDnsLabel,
  validateDnsSubdomain,
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { PlaceholderContext, placeholderProblems } from './placeholders';

/** The only Score apiVersion Stagecraft reads. */
export const SCORE_API_VERSION = 'score.dev/v1b1';

/** Limits that keep a hostile or broken spec from exhausting the backend. */
export const WORKLOAD_SPEC_LIMITS = {
  /** Largest accepted document, in UTF-8 bytes. */
  maxBytes: 256 * 1024,
  /** Most YAML alias (`*ref`) resolutions (billion-laughs protection). */
  maxAliasCount: 50,
  /** Deepest nesting of mappings and sequences. */
  maxDepth: 32,
} as const;

/** A file mounted into a container (Score `files`, normalised to a list). */
export interface WorkloadFile {
  /** Absolute path of the file in the container. */
  target: string;
  /** Octal access mode, e.g. "0644". */
  mode?: string;
  /** Inline content; placeholders are expanded unless `noExpand`. */
  content?: string;
  /** Path of a file next to the spec (not supported by the renderer yet). */
  source?: string;
  noExpand?: boolean;
}

/** An HTTP GET health probe. */
export interface HttpGetProbe {
  path: string;
  port: number;
  scheme?: 'HTTP' | 'HTTPS';
  /** Host header / name to connect to (Score allows it; defaults to the pod IP). */
  host?: string;
  httpHeaders?: Array<{ name: string; value: string }>;
}

/** A liveness or readiness probe: HTTP GET, command, or both (exec wins). */
export interface WorkloadProbe {
  httpGet?: HttpGetProbe;
  exec?: { command: string[] };
}

/** CPU and memory as Kubernetes quantities ("250m", "1", "128Mi"). */
export interface ComputeQuantities {
  cpu?: string;
  memory?: string;
}

/** One container of the workload. */
export interface WorkloadContainer {
  image: string;
  command?: string[];
  args?: string[];
  /** Environment variables; values may hold `${...}` placeholders. */
  variables?: Record<string, string>;
  files?: WorkloadFile[];
  resources?: { requests?: ComputeQuantities; limits?: ComputeQuantities };
  livenessProbe?: WorkloadProbe;
  readinessProbe?: WorkloadProbe;
}

/** One named port of the workload's service. */
export interface WorkloadServicePort {
  port: number;
  /** Defaults to `port`. */
  targetPort?: number;
  /** Defaults to TCP. */
  protocol?: 'TCP' | 'UDP';
}

/** A resource the workload depends on (provisioned per environment). */
export interface WorkloadResource {
  type: string;
  class?: string;
  id?: string;
  params?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Workload metadata; Score allows extra keys, readable as `${metadata.<key>}`. */
export interface WorkloadMetadata {
  name: string;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A Score (score.dev/v1b1) workload, validated and normalised. */
export interface WorkloadSpec {
  apiVersion: 'score.dev/v1b1';
  metadata: WorkloadMetadata;
  containers: Record<string, WorkloadContainer>;
  service?: { ports: Record<string, WorkloadServicePort> };
  resources?: Record<string, WorkloadResource>;
}

// ---------------------------------------------------------------------------
// Field paths

/**
 * A readable field path: `containers.main.files[0].target`, with keys that are
 * not plain words quoted: `containers.main.files["/etc/app.conf"]`.
 */
export function fieldPath(segments: Array<string | number>): string {
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

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(field: string, message: string): never {
  throw new ValidationError([{ field, message }]);
}

// ---------------------------------------------------------------------------
// JSON schema (structure); names, quantities and placeholders are checked in
// code below, where the messages can say precisely what is wrong.

const PORT = {
  type: 'integer',
  minimum: 1,
  maximum: 65535,
  'x-message': 'must be an integer from 1 to 65535',
};
const QUANTITY = { type: ['string', 'number'] };
const QUANTITIES = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: QUANTITY, memory: QUANTITY },
};
const STRING_MAP = {
  type: 'object',
  additionalProperties: { type: 'string' },
};
const STRING_LIST = { type: 'array', items: { type: 'string' } };
const FILE_PROPERTIES = {
  mode: {
    type: 'string',
    pattern: '^0?[0-7]{3}$',
    'x-message': 'must be a quoted octal file mode such as "0644"',
  },
  content: { type: 'string' },
  source: { type: 'string', minLength: 1 },
  noExpand: { type: 'boolean' },
};
const PROBE = {
  type: 'object',
  additionalProperties: false,
  properties: {
    httpGet: {
      type: 'object',
      required: ['path', 'port'],
      additionalProperties: false,
      properties: {
        path: {
          type: 'string',
          pattern: '^/',
          'x-message': 'must start with /',
        },
        port: PORT,
        scheme: { type: 'string', enum: ['HTTP', 'HTTPS'] },
        host: { type: 'string', minLength: 1 },
        httpHeaders: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'value'],
            additionalProperties: false,
            properties: {
              name: {
                type: 'string',
                pattern: '^[A-Za-z0-9_-]+$',
                'x-message':
                  'must be an HTTP header name (letters, digits, _ and -)',
              },
              value: { type: 'string' },
            },
          },
        },
      },
    },
    exec: {
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: {
        command: { ...STRING_LIST, minItems: 1 },
      },
    },
  },
};
const SCORE_WORD = '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$';

const WORKLOAD_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'metadata', 'containers'],
  additionalProperties: false,
  properties: {
    apiVersion: {
      type: 'string',
      const: SCORE_API_VERSION,
      'x-message': `must be "${SCORE_API_VERSION}"`,
    },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, annotations: STRING_MAP },
    },
    containers: {
      type: 'object',
      minProperties: 1,
      'x-message': { minProperties: 'must declare at least one container' },
      additionalProperties: {
        type: 'object',
        required: ['image'],
        additionalProperties: false,
        properties: {
          image: {
            type: 'string',
            pattern: '^\\S+$',
            'x-message':
              'must be a non-empty image reference without whitespace',
          },
          command: STRING_LIST,
          args: STRING_LIST,
          variables: {
            type: 'object',
            additionalProperties: {
              type: 'string',
              'x-message':
                'must be a string (quote numbers and booleans, e.g. "8080")',
            },
          },
          files: {
            type: ['array', 'object'],
            items: {
              type: 'object',
              required: ['target'],
              additionalProperties: false,
              properties: {
                target: { type: 'string', minLength: 1 },
                ...FILE_PROPERTIES,
              },
            },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              properties: FILE_PROPERTIES,
            },
          },
          resources: {
            type: 'object',
            additionalProperties: false,
            properties: { requests: QUANTITIES, limits: QUANTITIES },
          },
          livenessProbe: PROBE,
          readinessProbe: PROBE,
        },
      },
    },
    service: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ports: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['port'],
            additionalProperties: false,
            properties: {
              port: PORT,
              targetPort: PORT,
              protocol: { type: 'string', enum: ['TCP', 'UDP'] },
            },
          },
        },
      },
    },
    resources: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: {
            type: 'string',
            pattern: SCORE_WORD,
            'x-message':
              'must be 1-63 letters, digits and "-", starting and ending with a letter or digit',
          },
          class: {
            type: 'string',
            pattern: SCORE_WORD,
            'x-message':
              'must be 1-63 letters, digits and "-", starting and ending with a letter or digit',
          },
          id: {
            type: 'string',
            maxLength: 63,
            pattern:
              '^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$',
            'x-message':
              'must be up to 63 lower case letters, digits and "-", in labels separated by "."',
          },
          params: { type: 'object' },
          metadata: { type: 'object' },
        },
      },
    },
  },
};

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  verbose: true,
});
ajv.addKeyword('x-message');
const validateSchema = ajv.compile(WORKLOAD_SCHEMA);

/** Fields of Score v1b1 that Stagecraft does not implement yet. */
const UNSUPPORTED: Record<string, string> = {
  volumes: 'is not supported yet: Stagecraft does not mount volumes',
  binaryContent: 'is not supported yet: use content',
};

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
};

function pointerSegments(
  pointer: string,
  data: unknown,
): Array<string | number> {
  const segments: Array<string | number> = [];
  let current: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      segments.push(Number(key));
      current = current[Number(key)];
    } else {
      segments.push(key);
      current = isObject(current) ? current[key] : undefined;
    }
  }
  return segments;
}

function customMessage(error: ErrorObject): string | undefined {
  const custom = (error.parentSchema as Record<string, unknown> | undefined)?.[
    'x-message'
  ];
  if (typeof custom === 'string') return custom;
  if (isObject(custom) && typeof custom[error.keyword] === 'string') {
    return custom[error.keyword] as string;
  }
  return undefined;
}

function schemaErrors(
  errors: ErrorObject[],
  data: unknown,
  source: string,
): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const segments = pointerSegments(error.instancePath, data);
    const params = error.params as Record<string, any>;
    if (error.keyword === 'required') {
      const field = fieldPath([...segments, params.missingProperty]);
      out.push({ field, message: `${field} is required` });
      continue;
    }
    if (error.keyword === 'additionalProperties') {
      const key = String(params.additionalProperty);
      const field = fieldPath([...segments, key]);
      out.push({
        field,
        message: `${field} ${UNSUPPORTED[key] ?? 'is not a known field'}`,
      });
      continue;
    }
    const field = fieldPath(segments) || source;
    let message = customMessage(error);
    if (!message) {
      switch (error.keyword) {
        case 'type': {
          const types: string[] = [].concat(params.type);
          message = `must be ${types
            .map(t => TYPE_NAMES[t] ?? t)
            .join(' or ')}`;
          break;
        }
        case 'enum':
          message = `must be one of ${(params.allowedValues as unknown[])
            .map(v => JSON.stringify(v))
            .join(', ')}`;
          break;
        case 'minLength':
        case 'minProperties':
          message = 'must not be empty';
          break;
        case 'minItems':
          message = `must have at least ${params.limit} item${
            params.limit === 1 ? '' : 's'
          }`;
          break;
        default:
          message = error.message ?? 'is not valid';
      }
    }
    out.push({ field, message: `${field} ${message}` });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Checks the schema cannot express with good messages

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUANTITY_RE =
  /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Annotation prefixes Stagecraft writes itself. */
const RESERVED_ANNOTATION_PREFIXES = ['stagecraft.io'];

function annotationKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'may contain at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (validateDnsSubdomain(prefix, 'prefix')) {
      return `has a prefix "${prefix}" that is not a DNS subdomain`;
    }
    if (RESERVED_ANNOTATION_PREFIXES.includes(prefix)) {
      return `uses the prefix "${prefix}/", which is reserved for Stagecraft`;
    }
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be a name of up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, with an optional "prefix/"';
  }
  return undefined;
}

function checkDnsLabelKey(
  key: string,
  what: string,
  segments: Array<string | number>,
  errors: FieldError[],
) {
  const error = validateDnsLabel(key, what);
  if (error) {
    const field = fieldPath(segments);
    errors.push({ field, message: `${field}: ${error.message}` });
  }
}

function checkQuantity(
  value: unknown,
  kind: 'cpu' | 'memory',
  field: string,
  errors: FieldError[],
) {
  const example = kind === 'cpu' ? '"500m" or "2"' : '"128Mi" or "1Gi"';
  if (typeof value === 'number') {
    if (!(value >= 0)) {
      errors.push({
        field,
        message: `${field} must not be negative (e.g. ${example})`,
      });
    }
  } else if (typeof value === 'string' && !QUANTITY_RE.test(value)) {
    errors.push({
      field,
      message: `${field} "${value}" is not a Kubernetes quantity (e.g. ${example})`,
    });
  }
}

interface FileEntry {
  segments: Array<string | number>;
  entry: Record<string, unknown>;
  target: unknown;
}

/** The files of a container, whether a list or a map keyed by target path. */
function fileEntries(
  files: unknown,
  base: Array<string | number>,
): FileEntry[] {
  const out: FileEntry[] = [];
  if (Array.isArray(files)) {
    files.forEach((entry, i) => {
      if (isObject(entry)) {
        out.push({ segments: [...base, i], entry, target: entry.target });
      }
    });
  } else if (isObject(files)) {
    for (const [target, entry] of Object.entries(files)) {
      if (isObject(entry))
        out.push({ segments: [...base, target], entry, target });
    }
  }
  return out;
}

function semanticProblems(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const metadata = isObject(spec.metadata) ? spec.metadata : {};
  const resources = isObject(spec.resources) ? spec.resources : {};
  const context: PlaceholderContext = { metadata, resources };

  if (typeof metadata.name === 'string') {
    const error = validateDnsLabel(metadata.name, 'metadata.name');
    if (error) errors.push(error);
  }
  if (isObject(metadata.annotations)) {
    for (const key of Object.keys(metadata.annotations)) {
      const problem = annotationKeyProblem(key);
      if (problem) {
        const field = fieldPath(['metadata', 'annotations', key]);
        errors.push({
          field,
          message: `${field}: annotation key "${key}" ${problem}`,
        });
      }
    }
  }

  const containers = isObject(spec.containers) ? spec.containers : {};
  for (const [name, container] of Object.entries(containers)) {
    checkDnsLabelKey(name, 'container name', ['containers', name], errors);
    if (!isObject(container)) continue;
    const at = (...rest: Array<string | number>) =>
      fieldPath(['containers', name, ...rest]);

    if (isObject(container.variables)) {
      for (const [variable, value] of Object.entries(container.variables)) {
        const field = at('variables', variable);
        if (!ENV_VAR_NAME.test(variable)) {
          errors.push({
            field,
            message: `${field} is not a valid environment variable name: use letters, digits and "_", not starting with a digit`,
          });
        }
        if (typeof value === 'string') {
          errors.push(...placeholderProblems(value, context, field));
        }
      }
    }

    const seenTargets = new Set<string>();
    for (const { segments, entry, target } of fileEntries(container.files, [
      'containers',
      name,
      'files',
    ])) {
      const field = fieldPath(segments);
      const hasContent = entry.content !== undefined;
      const hasSource = entry.source !== undefined;
      if (hasContent === hasSource) {
        errors.push({
          field,
          message: hasContent
            ? `${field} must have only one of content or source`
            : `${field} must have content (or source)`,
        });
      }
      if (typeof target === 'string' && target.length > 0) {
        const targetField = Array.isArray(container.files)
          ? `${field}.target`
          : field;
        if (
          !target.startsWith('/') ||
          target.endsWith('/') ||
          target.split('/').some(part => part === '..' || part === '.')
        ) {
          errors.push({
            field: targetField,
            message: `${targetField} "${target}" must be an absolute file path without "." or ".." parts, e.g. /etc/app/config.yaml`,
          });
        } else if (seenTargets.has(target)) {
          errors.push({
            field: targetField,
            message: `${targetField} "${target}" is mounted more than once in container "${name}"`,
          });
        }
        seenTargets.add(target);
      }
      if (typeof entry.content === 'string' && entry.noExpand !== true) {
        errors.push(
          ...placeholderProblems(entry.content, context, `${field}.content`),
        );
      }
    }

    if (isObject(container.resources)) {
      for (const bound of ['requests', 'limits'] as const) {
        const quantities = container.resources[bound];
        if (!isObject(quantities)) continue;
        for (const kind of ['cpu', 'memory'] as const) {
          checkQuantity(
            quantities[kind],
            kind,
            at('resources', bound, kind),
            errors,
          );
        }
      }
    }

    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      const value = container[probe];
      if (isObject(value) && !value.httpGet && !value.exec) {
        errors.push({
          field: at(probe),
          message: `${at(probe)} must have httpGet or exec`,
        });
      }
    }
  }

  const ports = isObject(spec.service) ? spec.service.ports : undefined;
  if (isObject(ports)) {
    for (const port of Object.keys(ports)) {
      checkDnsLabelKey(port, 'port name', ['service', 'ports', port], errors);
    }
  }
  for (const resource of Object.keys(resources)) {
    checkDnsLabelKey(
      resource,
      'resource name',
      ['resources', resource],
      errors,
    );
  }
  return errors;
}

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

function normalise(raw: Record<string, unknown>): WorkloadSpec {
  const spec = JSON.parse(JSON.stringify(raw)) as WorkloadSpec;
  for (const container of Object.values(spec.containers)) {
    const files = container.files as unknown;
    if (isObject(files)) {
      container.files = Object.entries(files).map(([target, entry]) => ({
        target,
        ...(entry as Omit<WorkloadFile, 'target'>),
      }));
    }
    for (const bound of ['requests', 'limits'] as const) {
      const quantities = container.resources?.[bound];
      for (const kind of ['cpu', 'memory'] as const) {
        if (quantities && typeof quantities[kind] === 'number') {
          quantities[kind] = String(quantities[kind]);
        }
      }
    }
  }
  return spec;
}

/**
 * Validates an already-parsed workload spec (an inline annotation, an API
 * body) and returns it normalised: `files` as a list (the map form keyed by
 * target path is accepted), numeric quantities as strings. Throws a
 * ValidationError listing every problem, each naming its field.
 */
export function validateWorkloadSpec(
  obj: unknown,
  source = 'workload',
): WorkloadSpec {
  const structural = structureProblem(obj, source);
  if (structural) throw new ValidationError([structural]);
  if (!isObject(obj)) {
    fail(
      source,
      `${source} must be a mapping with apiVersion, metadata and containers`,
    );
  }
  const errors: FieldError[] = [];
  if (!validateSchema(obj)) {
    errors.push(...schemaErrors(validateSchema.errors ?? [], obj, source));
  }
  errors.push(...semanticProblems(obj));
  const unique = errors.filter(
    (e, i) => errors.findIndex(o => o.message === e.message) === i,
  );
  if (unique.length > 0) throw new ValidationError(unique);
  return normalise(obj);
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
    throw new ValidationError(
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
