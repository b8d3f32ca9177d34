/**
 * Kubernetes name rules (DNS-1123), checked before any name reaches a cluster,
 * with messages that name the offending field and say what is wrong.
 */

/** A field-level validation problem. @public */
export interface FieldError {
  /** Dotted path of the field, e.g. `metadata.name` or `spec.tier`. */
  field: string;
  message: string;
}

const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function labelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > DNS1123_LABEL_MAX) {
    return `must be no more than ${DNS1123_LABEL_MAX} characters (got ${value.length})`;
  }
  if (LABEL_RE.test(value)) return undefined;
  const bad = [...value].findIndex(c => !/[a-z0-9-]/.test(c));
  if (bad >= 0) {
    const c = value[bad];
    const hint = /[A-Z]/.test(c) ? ' (upper case is not allowed)' : '';
    return `contains '${c}' at position ${
      bad + 1
    }${hint}; only lower case letters, digits and '-' are allowed`;
  }
  return 'must start and end with a lower case letter or digit';
}

/**
 * Returns the problem with `value` as a DNS-1123 label (namespace, service and
 * most resource names), or undefined when it is valid.
 * @public
 */
export function validateDnsLabel(
  value: unknown,
  field: string,
): FieldError | undefined {
  if (typeof value !== 'string') {
    return { field, message: `${field} must be a string` };
  }
  const problem = labelProblem(value);
  return problem
    ? {
        field,
        message: `${field} "${value}" is not a valid DNS-1123 label: ${problem} (e.g. "payments-staging")`,
      }
    : undefined;
}

/**
 * Returns the problem with `value` as a DNS-1123 subdomain (dot-separated
 * labels, e.g. ConfigMap or Secret names), or undefined when it is valid.
 * @public
 */
export function validateDnsSubdomain(
  value: unknown,
  field: string,
): FieldError | undefined {
  if (typeof value !== 'string') {
    return { field, message: `${field} must be a string` };
  }
  if (value.length > DNS1123_SUBDOMAIN_MAX) {
    return {
      field,
      message: `${field} "${value.slice(
        0,
        20,
      )}…" is not a valid DNS-1123 subdomain: must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`,
    };
  }
  for (const part of value.split('.')) {
    const problem = labelProblem(part);
    if (problem) {
      return {
        field,
        message: `${field} "${value}" is not a valid DNS-1123 subdomain: part "${part}" ${problem}`,
      };
    }
  }
  return undefined;
}

/** Thrown when one or more fields are invalid; the message lists them all. @public */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map(e => e.message).join('; '));
    this.name = 'InputError';
    this.errors = errors;
  }
}

/**
 * Throws a {@link ValidationError} naming the field when `value` is not a
 * DNS-1123 label; returns the value otherwise.
 * @public
 */
export function assertDnsLabel(value: unknown, field: string): string {
  const error = validateDnsLabel(value, field);
  if (error) throw new ValidationError([error]);
  return value as string;
}
