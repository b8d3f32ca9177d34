import {
  FieldError,
  Origin,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/** The request body as an object, or a 400 saying it must be one. */
export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError([
      { field: '(body)', message: 'the request body must be a JSON object' },
    ]);
  }
  return body as Record<string, unknown>;
}

/** Adds an error for every field of `body` not in `known`. */
export function unknownFields(
  body: Record<string, unknown>,
  known: string[],
  errors: FieldError[],
) {
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) {
      errors.push({ field: key, message: `${key} is not a known field` });
    }
  }
}

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** Keys that would reach an object's prototype when used as property names. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A configuration or secret key: an environment variable name (letters,
 * digits, `_`; not starting with a digit), never one that names an object's
 * prototype (`__proto__`, `constructor`, `prototype`).
 */
export function isEnvVarName(key: unknown): key is string {
  return (
    typeof key === 'string' &&
    ENV_VAR_NAME.test(key) &&
    !PROTOTYPE_KEYS.has(key)
  );
}

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const TEMPLATE_REF =
  /^template:[a-z0-9][a-z0-9_.-]{0,62}\/[a-z0-9][a-z0-9_.-]{0,62}$/i;

/**
 * Rule for an optional `origin` ({@link Origin}): the scaffolder task id and
 * template ref a change came from; stored, so kept short and plain.
 */
export function checkOrigin(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const o = v as Partial<Record<keyof Origin, unknown>> | null;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    !Array.isArray(o) &&
    Object.keys(o).every(k => k === 'taskId' || k === 'template') &&
    typeof o.taskId === 'string' &&
    TASK_ID.test(o.taskId) &&
    (o.template === undefined ||
      (typeof o.template === 'string' && TEMPLATE_REF.test(o.template)));
  return ok
    ? undefined
    : 'origin must be { taskId, template? }: a task id (letters, digits, "-", up to 64) and a template ref such as "template:default/new-environment"';
}

/** The origin of a checked body, copied field by field (nothing else kept). */
export function originOf(v: unknown): Origin | undefined {
  if (v === undefined) return undefined;
  const o = v as Origin;
  return { taskId: o.taskId, ...(o.template && { template: o.template }) };
}

/**
 * Checks a body's fields (unknown ones, then one rule per field returning a
 * message or undefined) and throws one 400 naming every bad field.
 */
export function checkBody(
  body: Record<string, unknown>,
  known: string[],
  rules: Record<string, (v: unknown) => string | undefined>,
) {
  const errors: FieldError[] = [];
  unknownFields(body, known, errors);
  for (const [field, rule] of Object.entries(rules)) {
    const message = rule(body[field]);
    if (message) errors.push({ field, message });
  }
  if (errors.length) throw new InputError(errors);
}

// authorization lives in ./authorization.ts; re-exported for the use cases
// that import their input helpers and it from one place
export {
  authorizeOrThrow,
  requireEnvironment,
  permittedNames,
  permittedOnly,
} from './authorization';
