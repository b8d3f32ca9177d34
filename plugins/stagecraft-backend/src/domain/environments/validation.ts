import { asObject, checkOrigin, originOf, unknownFields } from '../input';
import {
  CreateEnvironmentRequest,
  EnvironmentQuota,
  FieldError,
  Origin,
  UpdateEnvironmentRequest,
  validateDnsLabel,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/** Namespaces Stagecraft never creates, adopts or deletes. */
const RESERVED_NAMESPACES = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);
const ENTITY_REF =
  /^(?:([a-z][a-z0-9]*):)?(?:([a-z0-9][a-z0-9_.-]*)\/)?([a-z0-9][a-z0-9_.-]*)$/i;
const CPU = /^(?:\d+(?:\.\d+)?|\d+m)$/;
const MEMORY = /^\d+(?:\.\d+)?(?:Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$/;
const TTL = /^(\d+)(s|m|h|d)$/;
const TTL_UNIT_MS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 } as const;
/** The longest TTL accepted (a year): previews are meant to be short-lived. */
const MAX_TTL_MS = 365 * 86400e3;

/** Checks a name that becomes a Kubernetes name; also refuses reserved namespaces. */
export function checkKubernetesName(
  value: unknown,
  field: string,
  errors: FieldError[],
) {
  const error = validateDnsLabel(value, field);
  if (error) {
    errors.push(error);
  } else if (
    RESERVED_NAMESPACES.has(value as string) ||
    (value as string).startsWith('kube-')
  ) {
    errors.push({
      field,
      message: `${field} "${value}" is reserved by Kubernetes; choose another name`,
    });
  }
}

/** Throws a 400 naming the field when `name` cannot be an environment name. */
export function assertEnvironmentName(name: unknown, field = 'name'): string {
  const errors: FieldError[] = [];
  checkKubernetesName(name, field, errors);
  if (errors.length) throw new InputError(errors);
  return name as string;
}

/** Normalises an owner/system/promotesTo reference; `defaultKind` when it has none. */
export function checkEntityRef(
  value: unknown,
  field: string,
  defaultKind: string,
  errors: FieldError[],
  kinds?: string[],
): string | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? ENTITY_REF.exec(value) : null;
  if (!match) {
    errors.push({
      field,
      message: `${field} must be an entity reference such as "${defaultKind}:default/payments"`,
    });
    return undefined;
  }
  const kind = (match[1] ?? defaultKind).toLocaleLowerCase('en-US');
  if (kinds && !kinds.includes(kind)) {
    errors.push({
      field,
      message: `${field} must refer to ${kinds
        .map(k => `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`)
        .join(' or ')}`,
    });
    return undefined;
  }
  return `${kind}:${(match[2] ?? 'default').toLocaleLowerCase(
    'en-US',
  )}/${match[3].toLocaleLowerCase('en-US')}`;
}

/** Parses "30s", "15m", "8h", "7d" into milliseconds. */
export function parseTtl(
  value: unknown,
  field: string,
  errors: FieldError[],
): number | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? TTL.exec(value) : null;
  const ms = match
    ? Number(match[1]) * TTL_UNIT_MS[match[2] as keyof typeof TTL_UNIT_MS]
    : NaN;
  if (!match || ms <= 0 || ms > MAX_TTL_MS) {
    errors.push({
      field,
      message: `${field} must be a duration from 1s to 365d such as "2h", "30m" or "7d"`,
    });
    return undefined;
  }
  return ms;
}

function checkQuota(
  value: unknown,
  errors: FieldError[],
): Partial<EnvironmentQuota> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({
      field: 'quota',
      message: 'quota must be an object with cpu, memory and pods',
    });
    return undefined;
  }
  const q = value as Record<string, unknown>;
  const known = ['cpu', 'memory', 'pods'];
  for (const key of Object.keys(q)) {
    if (!known.includes(key))
      errors.push({
        field: `quota.${key}`,
        message: `quota.${key} is not a known field`,
      });
  }
  if (q.cpu !== undefined && !(typeof q.cpu === 'string' && CPU.test(q.cpu))) {
    errors.push({
      field: 'quota.cpu',
      message: 'quota.cpu must be a CPU quantity such as "4" or "500m"',
    });
  }
  if (
    q.memory !== undefined &&
    !(typeof q.memory === 'string' && MEMORY.test(q.memory))
  ) {
    errors.push({
      field: 'quota.memory',
      message: 'quota.memory must be a memory quantity such as "8Gi"',
    });
  }
  if (
    q.pods !== undefined &&
    !(
      typeof q.pods === 'number' &&
      Number.isInteger(q.pods) &&
      q.pods >= 1 &&
      q.pods <= 100000
    )
  ) {
    errors.push({
      field: 'quota.pods',
      message: 'quota.pods must be a whole number from 1 to 100000',
    });
  }
  return q as Partial<EnvironmentQuota>;
}

/** A create request whose every field is checked (not yet against config). */
export interface ValidCreateRequest {
  name: string;
  type: string;
  owner: string;
  cluster?: string;
  namespace: string;
  system?: string;
  promotesTo?: string;
  ttlMs?: number;
  quota?: Partial<EnvironmentQuota>;
  dryRun: boolean;
  origin?: Origin;
}

/** Validates a create request, reporting every bad field at once (400). */
export function validateCreateRequest(body: unknown): ValidCreateRequest {
  const b = asObject(body) as Partial<
    Record<keyof CreateEnvironmentRequest, unknown>
  >;
  const errors: FieldError[] = [];
  unknownFields(
    b,
    [
      'name',
      'type',
      'owner',
      'cluster',
      'namespace',
      'system',
      'promotesTo',
      'ttl',
      'quota',
      'dryRun',
      'origin',
    ],
    errors,
  );
  checkKubernetesName(b.name, 'name', errors);
  if (b.namespace !== undefined)
    checkKubernetesName(b.namespace, 'namespace', errors);
  if (b.type === undefined)
    errors.push({ field: 'type', message: 'type is required' });
  else if (validateDnsLabel(b.type, 'type'))
    errors.push(validateDnsLabel(b.type, 'type')!);
  if (b.cluster !== undefined && validateDnsLabel(b.cluster, 'cluster')) {
    errors.push(validateDnsLabel(b.cluster, 'cluster')!);
  }
  if (b.owner === undefined)
    errors.push({ field: 'owner', message: 'owner is required' });
  const owner = checkEntityRef(b.owner, 'owner', 'group', errors, [
    'group',
    'user',
  ]);
  const system = checkEntityRef(b.system, 'system', 'system', errors, [
    'system',
  ]);
  const promotesTo = checkEntityRef(
    b.promotesTo,
    'promotesTo',
    'environment',
    errors,
    ['environment'],
  );
  const ttlMs = parseTtl(b.ttl, 'ttl', errors);
  const quota = checkQuota(b.quota, errors);
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') {
    errors.push({ field: 'dryRun', message: 'dryRun must be true or false' });
  }
  const originError = checkOrigin(b.origin);
  if (originError) errors.push({ field: 'origin', message: originError });
  if (errors.length) throw new InputError(errors);
  return {
    name: b.name as string,
    type: b.type as string,
    owner: owner!,
    cluster: b.cluster as string | undefined,
    namespace: (b.namespace as string | undefined) ?? (b.name as string),
    system,
    promotesTo,
    ttlMs,
    quota,
    dryRun: b.dryRun === true,
    ...(b.origin !== undefined && { origin: originOf(b.origin) }),
  };
}

/** A checked update request. */
export interface ValidUpdateRequest {
  owner?: string;
  /** null removes it */
  system?: string | null;
  /** null removes it (the pipeline's order applies) */
  promotesTo?: string | null;
  quota?: Partial<EnvironmentQuota>;
  ttlMs?: number;
}

/** Validates an update request (400 naming each bad field). */
export function validateUpdateRequest(body: unknown): ValidUpdateRequest {
  const b = asObject(body) as Partial<
    Record<keyof UpdateEnvironmentRequest, unknown>
  >;
  const errors: FieldError[] = [];
  unknownFields(b, ['owner', 'system', 'promotesTo', 'quota', 'ttl'], errors);
  const owner = checkEntityRef(b.owner, 'owner', 'group', errors, [
    'group',
    'user',
  ]);
  const system =
    b.system === null
      ? null
      : checkEntityRef(b.system, 'system', 'system', errors, ['system']);
  const promotesTo =
    b.promotesTo === null
      ? null
      : checkEntityRef(b.promotesTo, 'promotesTo', 'environment', errors, [
          'environment',
        ]);
  const quota = checkQuota(b.quota, errors);
  const ttlMs = parseTtl(b.ttl, 'ttl', errors);
  if (errors.length) throw new InputError(errors);
  return {
    owner,
    ...(system !== undefined && { system }),
    ...(promotesTo !== undefined && { promotesTo }),
    quota,
    ttlMs,
  };
}

/** Validates `{ ttl }` of an extend request. */
export function validateTtlRequest(body: unknown): number {
  const b = asObject(body);
  const errors: FieldError[] = [];
  unknownFields(b, ['ttl'], errors);
  if (b.ttl === undefined)
    errors.push({ field: 'ttl', message: 'ttl is required, e.g. "24h"' });
  const ttlMs = parseTtl(b.ttl, 'ttl', errors);
  if (errors.length) throw new InputError(errors);
  return ttlMs!;
}
