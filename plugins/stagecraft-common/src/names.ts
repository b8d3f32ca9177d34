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

/**
 * Thrown when one or more fields are invalid; the message lists them all and
 * `errors` names each field. Named as `@backstage/errors`' InputError is, so
 * Backstage's error middleware answers 400 without this package importing it.
 * @public
 */
export class InputError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map(e => e.message).join('; '));
    this.name = 'InputError';
    this.errors = errors;
  }
}

/**
 * The former name of {@link InputError}.
 * @public
 * @deprecated Use {@link InputError}.
 */
export const ValidationError = InputError;
/**
 * @public
 * @deprecated Use {@link InputError}.
 */
// eslint-disable-next-line @typescript-eslint/no-redeclare -- the class's value and type, as before
export type ValidationError = InputError;

/**
 * Throws a {@link InputError} naming the field when `value` is not a
 * DNS-1123 label; returns the value otherwise.
 * @public
 */
export function assertDnsLabel(value: unknown, field: string): string {
  const error = validateDnsLabel(value, field);
  if (error) throw new InputError([error]);
  return value as string;
}

/**
 * Label and annotation key prefixes only Kubernetes and Stagecraft may set:
 * user input that tries to set them is refused (they steer admission, pod
 * security and Stagecraft's own ownership checks).
 * @public
 */
export const RESERVED_KEY_PREFIXES = [
  'kubernetes.io/',
  'k8s.io/',
  'pod-security.kubernetes.io/',
  'stagecraft.io/',
  'app.kubernetes.io/managed-by',
] as const;

/** Which reserved prefix a key falls under (sub-domains included), if any. */
function reservedPrefixOf(
  key: string,
  prefix: string | undefined,
): string | undefined {
  if (key.toLowerCase() === 'app.kubernetes.io/managed-by') {
    return 'app.kubernetes.io/managed-by';
  }
  // app.kubernetes.io/* are the recommended labels users set themselves
  if (prefix === undefined || prefix === 'app.kubernetes.io') return undefined;
  return RESERVED_KEY_PREFIXES.find(
    p =>
      p.endsWith('/') &&
      (prefix === p.slice(0, -1) || prefix.endsWith(`.${p.slice(0, -1)}`)),
  );
}

const KEY_NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * The problem with a label or annotation key (`[prefix/]name`, the prefix a
 * DNS subdomain, the name up to 63 characters), or with a reserved prefix;
 * undefined when it is fine.
 * @public
 */
export function validateMetadataKey(
  key: string,
  field: string,
): FieldError | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const reserved = reservedPrefixOf(key, prefix?.toLowerCase());
  if (reserved) {
    return {
      field,
      message: `${field} "${key}" uses the reserved prefix "${reserved}", which only Kubernetes and Stagecraft may set`,
    };
  }
  if (
    name.length === 0 ||
    name.length > DNS1123_LABEL_MAX ||
    !KEY_NAME_RE.test(name) ||
    (prefix !== undefined && validateDnsSubdomain(prefix, field))
  ) {
    return {
      field,
      message: `${field} "${key.slice(
        0,
        80,
      )}" is not a valid key: an optional DNS subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or "."`,
    };
  }
  return undefined;
}

/** The problem with a label value (up to 63 characters), if any. @public */
export function validateLabelValue(
  value: unknown,
  field: string,
): FieldError | undefined {
  if (
    typeof value === 'string' &&
    value.length <= DNS1123_LABEL_MAX &&
    LABEL_VALUE_RE.test(value)
  ) {
    return undefined;
  }
  return {
    field,
    message: `${field} must be a label value: up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
  };
}
