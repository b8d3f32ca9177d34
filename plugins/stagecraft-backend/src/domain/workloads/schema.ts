/**
 * Validation against the official Score JSON schema (vendored in
 * `schema/score-v1b1.json`, see its README for the version), with ajv's
 * errors turned into messages that name the field and say what it must be.
 */
import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import type { FieldError } from '@stagecraft/backstage-plugin-stagecraft-common';
import scoreSchema from './schema/score-v1b1.json';
import { fieldPath, isObject, Segments } from './fields';

/** The official Score schema, as vendored. */
export const SCORE_SCHEMA: Record<string, unknown> = scoreSchema;

const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  // the official schema combines `not` with `additionalProperties: true`
  strictRequired: false,
  verbose: true,
});
const validateScore = ajv.compile(scoreSchema);

const PORT_MESSAGE = 'must be an integer from 1 to 65535';
const WORD_MESSAGE =
  'must be 2-63 letters, digits and "-", starting and ending with a letter or digit';

/** Messages for schema locations whose generic message would not help. */
const MESSAGES: Record<string, string> = {
  '#/properties/apiVersion': 'must be "score.dev/v1b1"',
  '#/properties/containers/minProperties':
    'must declare at least one container',
  '#/$defs/servicePort/properties/port': PORT_MESSAGE,
  '#/$defs/servicePort/properties/targetPort': PORT_MESSAGE,
  '#/$defs/httpProbe/properties/port': PORT_MESSAGE,
  '#/$defs/container/properties/variables/additionalProperties':
    'must be a string (quote numbers and booleans, e.g. "8080")',
  '#/$defs/containerFile/properties/mode':
    'must be a quoted octal file mode such as "0644"',
  '#/$defs/container/properties/image': 'must not be empty',
  '#/$defs/resource/properties/type': WORD_MESSAGE,
  '#/$defs/resource/properties/class': WORD_MESSAGE,
  '#/$defs/resource/properties/id':
    'must be 2-63 lower case letters, digits and "-", in labels separated by "."',
  '#/$defs/resourcesLimits/properties/memory':
    'must be a memory quantity such as "128Mi", "1Gi" or "125M"',
  '#/$defs/resourcesLimits/properties/cpu':
    'must be a CPU quantity such as "500m", "2" or "0.5"',
  '#/$defs/httpProbe/properties/httpHeaders/items/properties/name':
    'must be an HTTP header name (letters, digits, _ and -)',
};

const ANNOTATION_KEY_MESSAGE =
  'is not a valid annotation key: a name of 2-63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, with an optional "dns.prefix/"';
MESSAGES['#/properties/metadata/properties/annotations/propertyNames'] =
  ANNOTATION_KEY_MESSAGE;
MESSAGES[
  '#/$defs/resource/properties/metadata/properties/annotations/propertyNames'
] = ANNOTATION_KEY_MESSAGE;

for (const names of [
  '#/properties/containers/propertyNames',
  '#/properties/service/properties/ports/propertyNames',
  '#/properties/resources/propertyNames',
  '#/$defs/container/properties/before/propertyNames',
]) {
  MESSAGES[names] =
    'is not a valid name: use 2-63 lower case letters, digits and "-", starting and ending with a letter or digit';
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
};

/** `files` and `volumes`: a map keyed by target path, or a deprecated list. */
const MAP_OR_LIST =
  /^#\/\$defs\/container\/properties\/(files|volumes)\/oneOf\/([01])(\/|$)/;
/** Combinators whose failures the semantic checks explain better. */
const EXPLAINED_ELSEWHERE = [
  /^#\/\$defs\/containerFile\/oneOf/,
  /^#\/\$defs\/containerProbe\/anyOf/,
];

/**
 * Where each object of the schema sits (`#/$defs/servicePort/properties/port`):
 * ajv's own schemaPath is relative to whichever `$ref` it followed, so errors
 * are located through the identity of their parent schema instead.
 */
const LOCATIONS = new Map<unknown, string>();
(function index(node: unknown, pointer: string) {
  if (node === null || typeof node !== 'object') return;
  if (!Array.isArray(node)) LOCATIONS.set(node, pointer);
  for (const [key, child] of Object.entries(node)) {
    index(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
})(scoreSchema, '#');

/** The schema location of an error: `#/…/<keyword>`. */
function locationOf(error: ErrorObject): string {
  const parent = LOCATIONS.get(error.parentSchema) ?? error.schemaPath;
  return `${parent}/${error.keyword}`;
}

function pointerSegments(pointer: string, data: unknown): Segments {
  const segments: Segments = [];
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

function valueAt(data: unknown, segments: Segments): unknown {
  let current = data;
  for (const s of segments) {
    current = (current as Record<string | number, unknown> | undefined)?.[s];
  }
  return current;
}

function genericMessage(error: ErrorObject): string {
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'type':
      return `must be ${([] as string[])
        .concat(params.type)
        .map(t => TYPE_NAMES[t] ?? t)
        .join(' or ')}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[])
        .map(v => JSON.stringify(v))
        .join(', ')}`;
    case 'minLength':
      return params.limit === 1
        ? 'must not be empty'
        : `must be at least ${params.limit} characters long`;
    case 'maxLength':
      return `must be at most ${params.limit} characters long`;
    case 'minProperties':
      return 'must not be empty';
    case 'minimum':
    case 'maximum':
      return `must be ${params.comparison} ${params.limit}`;
    case 'pattern':
      return `does not match the Score pattern ${params.pattern}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/**
 * The Score schema's findings for `data`, one per offending field. Errors of
 * the branch of `files` / `volumes` that the data does not use are left out,
 * as are the combinator errors the semantic checks report in plain words
 * (exactly one of content, binaryContent or source; httpGet or exec).
 */
export function scoreSchemaErrors(data: unknown): FieldError[] {
  if (validateScore(data)) return [];
  const out: FieldError[] = [];
  for (const error of validateScore.errors ?? []) {
    const segments = pointerSegments(error.instancePath, data);
    const params = error.params as Record<string, any>;
    const location = locationOf(error);
    const branch = MAP_OR_LIST.exec(location);
    if (branch) {
      // segments end at files/volumes or below; the map-or-list value itself:
      const index = segments.indexOf(branch[1]);
      const value = valueAt(data, segments.slice(0, index + 1));
      if ((branch[2] === '0') !== Array.isArray(value)) continue;
      if (error.keyword === 'not') {
        const field = fieldPath([...segments, 'target']);
        out.push({
          field,
          message: `${field} belongs to the deprecated list form only: in the map form the key is the target path`,
        });
        continue;
      }
    }
    if (
      error.keyword === 'oneOf' ||
      error.keyword === 'anyOf' ||
      error.keyword === 'allOf' ||
      error.keyword === 'propertyNames' ||
      EXPLAINED_ELSEWHERE.some(re => re.test(location))
    ) {
      continue;
    }
    if (error.keyword === 'required') {
      const field = fieldPath([...segments, params.missingProperty]);
      out.push({ field, message: `${field} is required` });
      continue;
    }
    if (error.keyword === 'additionalProperties') {
      const field = fieldPath([...segments, String(params.additionalProperty)]);
      out.push({
        field,
        message: `${field} is not a field of Score score.dev/v1b1`,
      });
      continue;
    }
    const propertyName = (error as { propertyName?: string }).propertyName;
    const field = fieldPath(
      propertyName === undefined ? segments : [...segments, propertyName],
    );
    const message =
      MESSAGES[location] ??
      MESSAGES[location.replace(/\/[^/]+$/, '')] ??
      (propertyName === undefined
        ? genericMessage(error)
        : `is not a valid name: ${genericMessage(error)}`);
    out.push({ field: field || 'workload', message: `${field} ${message}` });
  }
  return out;
}
