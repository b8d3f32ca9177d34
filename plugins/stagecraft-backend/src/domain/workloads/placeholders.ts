import {
  FieldError,
  ValidationError,
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
  resourceOutputs?: Record<string, Record<string, string>>;
}

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

type Resolution = { value: string } | { error: string };

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
    if (!outputs || !has(outputs, key) || typeof outputs[key] !== 'string') {
      const available = outputs ? Object.keys(outputs).sort() : [];
      return {
        error: `${prefix} but resource "${name}" has no output "${key}"${
          available.length ? ` (its outputs: ${available.join(', ')})` : ''
        }`,
      };
    }
    return { value: outputs[key] };
  }
  return {
    error: `${prefix}, which is not a known placeholder: use \${metadata.<key>} or \${resources.<name>.<output>}, or write $\${ for a literal \${`,
  };
}

function substitute(
  value: string,
  context: PlaceholderContext,
  field: string,
  checkOutputs: boolean,
  errors: FieldError[],
): string {
  return value.replace(
    PLACEHOLDER,
    (match: string, body: string, inner: string | undefined) => {
      if (body.startsWith('$')) return match.slice(1); // $$ and $${...}
      const resolution = resolve(inner ?? '', context, field, checkOutputs);
      if ('error' in resolution) {
        if (!errors.some(e => e.message === resolution.error)) {
          errors.push({ field, message: resolution.error });
        }
        return match;
      }
      return resolution.value;
    },
  );
}

/**
 * Substitutes Score placeholders in `value`: `${metadata.<key>...}` and
 * `${resources.<name>.<output>}`; `$${` is a literal `${` and `$$` a literal
 * `$`. Throws a ValidationError naming `field` and every unknown reference.
 */
export function expandPlaceholders(
  value: string,
  context: PlaceholderContext,
  field = 'value',
): string {
  const errors: FieldError[] = [];
  const result = substitute(value, context, field, true, errors);
  if (errors.length) throw new ValidationError(errors);
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
