import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { canonicalJson } from './canonical';

/**
 * What `${...}` placeholders may refer to, as in Score: the workload's
 * `metadata` and the outputs of the resources it declares.
 */
export interface PlaceholderContext {
  /** The workload's metadata (`${metadata.name}`, `${metadata.annotations.x}`). */
  metadata: Record<string, unknown>;
  /** The resources the workload declares (only their names matter here). */
  resources?: Record<string, unknown>;
  /**
   * Outputs of the provisioned resources by resource name
   * (`${resources.db.uri}` reads `resourceOutputs.db.uri`).
   */
  resourceOutputs?: Record<string, Record<string, OutputValue>>;
}

/**
 * A secret resource output: a key of a Secret in the environment's
 * namespace. It becomes a `secretKeyRef`, never a literal value.
 */
export interface SecretOutput {
  secretKeyRef: { name: string; key: string };
}

/** One resource output: a plain value or a secret reference. */
export type OutputValue = string | SecretOutput;

/** A piece of an expanded value: literal text or a secret output. */
export type ValuePart = string | SecretOutput;

const isSecretOutput = (v: unknown): v is SecretOutput =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SecretOutput).secretKeyRef?.name === 'string' &&
  typeof (v as SecretOutput).secretKeyRef?.key === 'string';

/**
 * Score's placeholder grammar (score-go `framework/substitution.go`):
 * `${ref}` is substituted, `$${ref}` is the literal `${ref}` and `$$` is a
 * literal `$`. A `${` without a closing `}` is left as it is.
 */
const PLACEHOLDER = /\$((?:\$?\{([^}]*)\})|\$)/g;

const has = (o: object, key: string) =>
  Object.prototype.hasOwnProperty.call(o, key);

/** Splits a reference on `.`, where `\.` is a literal dot inside a key. */
export function splitReference(ref: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === '\\' && ref[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ref[i] === '.') {
      parts.push(current);
      current = '';
    } else {
      current += ref[i];
    }
  }
  parts.push(current);
  return parts;
}

type Resolution =
  | { value: string }
  | { secret: SecretOutput }
  | { error: string };

/**
 * Resolves one reference. With `checkOutputs` false, a reference to an output
 * of a declared resource is accepted without knowing the outputs (parse-time
 * checks, before any resource is provisioned).
 */
function resolve(
  inner: string,
  context: PlaceholderContext,
  field: string,
  checkOutputs: boolean,
): Resolution {
  const shown = `\${${inner}}`;
  const prefix = `${field} references ${shown}`;
  const parts = splitReference(inner);
  const [root, ...rest] = parts;
  if (root === 'metadata' && rest.length > 0 && rest.every(Boolean)) {
    let current: unknown = context.metadata;
    const walked = ['metadata'];
    for (const key of rest) {
      if (
        current === null ||
        typeof current !== 'object' ||
        Array.isArray(current) ||
        !has(current, key)
      ) {
        return {
          error: `${prefix} but ${walked.join('.')} has no "${key}"`,
        };
      }
      current = (current as Record<string, unknown>)[key];
      walked.push(key);
    }
    if (current === undefined) {
      return { error: `${prefix} but ${walked.join('.')} has no value` };
    }
    return {
      value: typeof current === 'string' ? current : canonicalJson(current),
    };
  }
  if (root === 'resources' && rest.length > 0 && rest.every(Boolean)) {
    const [name, ...output] = rest;
    const declared = context.resources ?? {};
    if (!has(declared, name)) {
      return {
        error: `${prefix} but resource "${name}" is not declared in resources`,
      };
    }
    if (output.length === 0) {
      return {
        error: `${prefix} but a resource reference must name one of its outputs, e.g. \${resources.${name}.host}`,
      };
    }
    const key = output.join('.');
    if (!checkOutputs) return { value: shown };
    const outputs = context.resourceOutputs?.[name];
    if (outputs && has(outputs, key) && isSecretOutput(outputs[key])) {
      return { secret: outputs[key] as SecretOutput };
    }
    if (!outputs || !has(outputs, key) || typeof outputs[key] !== 'string') {
      const available = outputs ? Object.keys(outputs).sort() : [];
      return {
        error: `${prefix} but resource "${name}" has no output "${key}"${
          available.length ? ` (its outputs: ${available.join(', ')})` : ''
        }`,
      };
    }
    return { value: outputs[key] as string };
  }
  return {
    error: `${prefix}, which is not a known placeholder: use \${metadata.<key>} or \${resources.<name>.<output>}, or write $\${ for a literal \${`,
  };
}

/**
 * Expands `value` into literal text and secret outputs, in order. Secret
 * outputs are an error unless `allowSecrets` (only container variables can
 * carry them, as secretKeyRef; files and other text never hold a secret).
 */
function substituteParts(
  value: string,
  context: PlaceholderContext,
  field: string,
  checkOutputs: boolean,
  errors: FieldError[],
  allowSecrets: boolean,
): ValuePart[] {
  const parts: ValuePart[] = [];
  let text = '';
  let last = 0;
  const fail = (message: string) => {
    if (!errors.some(e => e.message === message)) {
      errors.push({ field, message });
    }
  };
  for (const m of value.matchAll(PLACEHOLDER)) {
    const [match, body, inner] = m;
    text += value.slice(last, m.index);
    last = m.index! + match.length;
    if (body.startsWith('$')) {
      text += match.slice(1); // $$ and $${...}
      continue;
    }
    const resolution = resolve(inner ?? '', context, field, checkOutputs);
    if ('error' in resolution) {
      fail(resolution.error);
      text += match;
    } else if ('secret' in resolution) {
      if (!allowSecrets) {
        fail(
          `${field} references ${match}, a secret output: secrets reach containers only as variables (secretKeyRef), never in file contents`,
        );
        text += match;
      } else {
        if (text) parts.push(text);
        text = '';
        parts.push(resolution.secret);
      }
    } else {
      text += resolution.value;
    }
  }
  text += value.slice(last);
  if (text || parts.length === 0) parts.push(text);
  return parts;
}

function substitute(
  value: string,
  context: PlaceholderContext,
  field: string,
  checkOutputs: boolean,
  errors: FieldError[],
): string {
  return substituteParts(value, context, field, checkOutputs, errors, false)
    .map(p => (typeof p === 'string' ? p : ''))
    .join('');
}

/**
 * Like {@link expandPlaceholders}, for a container variable: the value as
 * literal text and secret outputs in order (the renderer turns a lone secret
 * into a secretKeyRef and a mixed value into `$(VAR)` references).
 */
export function expandVariableParts(
  value: string,
  context: PlaceholderContext,
  field: string,
): ValuePart[] {
  const errors: FieldError[] = [];
  const parts = substituteParts(value, context, field, true, errors, true);
  if (errors.length) throw new InputError(errors);
  return parts;
}

/**
 * Substitutes Score placeholders in `value`: `${metadata.<key>...}` and
 * `${resources.<name>.<output>}`; `$${` is a literal `${` and `$$` a literal
 * `$`. Throws a InputError naming `field` and every unknown reference.
 */
export function expandPlaceholders(
  value: string,
  context: PlaceholderContext,
  field = 'value',
): string {
  const errors: FieldError[] = [];
  const result = substitute(value, context, field, true, errors);
  if (errors.length) throw new InputError(errors);
  return result;
}

/**
 * The problems with the placeholders of `value` that can be found before any
 * resource exists: syntax, unknown roots, metadata keys that are missing and
 * resources that are not declared. Outputs are not checked.
 */
export function placeholderProblems(
  value: string,
  context: PlaceholderContext,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  substitute(value, context, field, false, errors);
  return errors;
}

/**
 * The resources `value` refers to (`${resources.<name>...}`), skipping the
 * escaped `$${...}` and `$$`.
 */
export function referencedResources(value: string): string[] {
  const names: string[] = [];
  for (const m of value.matchAll(PLACEHOLDER)) {
    const [, body, inner] = m;
    if (body.startsWith('$') || inner === undefined) continue;
    const [root, name] = splitReference(inner);
    if (root === 'resources' && name) names.push(name);
  }
  return names;
}
