import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import {
  ENVIRONMENT_KIND,
  ENVIRONMENT_TIERS,
  EnvironmentTier,
  STAGECRAFT_API_VERSION,
} from './constants';
import { FieldError, validateDnsLabel } from './names';

/** The `spec` of a `kind: Environment` entity. @public */
export interface EnvironmentSpec {
  /** Tier of the environment; drives policy and the promotion order. */
  tier: EnvironmentTier;
  /** Environment type from `stagecraft.environmentTypes`; defaults to the tier. */
  type?: string;
  /** Entity ref of the owning group or user. */
  owner: string;
  /** Entity ref of the system the environment belongs to. */
  system?: string;
  /** Name of a cluster from admin config; never a URL. */
  cluster: string;
  /** Kubernetes namespace the environment is materialised as. */
  namespace: string;
  /** Entity ref of the next environment in the promotion pipeline. */
  promotesTo?: string;
  /** When a preview environment is torn down (RFC 3339). */
  expiresAt?: string;
}

/** A `kind: Environment` catalog entity. @public */
export interface EnvironmentEntity {
  apiVersion: typeof STAGECRAFT_API_VERSION;
  kind: typeof ENVIRONMENT_KIND;
  metadata: {
    name: string;
    namespace?: string;
    title?: string;
    description?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: EnvironmentSpec;
  relations?: Array<{ type: string; targetRef: string }>;
}

const ENTITY_REF = '^(?:[a-zA-Z0-9_-]+:)?(?:[a-zA-Z0-9_.-]+/)?[a-zA-Z0-9_.-]+$';

/**
 * JSON schema of the Environment kind (the catalog checks the common envelope;
 * this adds the kind-specific rules). Exported for documentation and tooling.
 * @public
 */
export const environmentEntitySchema = {
  $id: 'https://stagecraft.io/schemas/environment.v1alpha1.json',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: STAGECRAFT_API_VERSION },
    kind: { const: ENVIRONMENT_KIND },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' } },
    },
    spec: {
      type: 'object',
      required: ['tier', 'owner', 'cluster', 'namespace'],
      additionalProperties: false,
      properties: {
        tier: { enum: [...ENVIRONMENT_TIERS] },
        type: { type: 'string', minLength: 1, maxLength: 63 },
        owner: { type: 'string', pattern: ENTITY_REF },
        system: { type: 'string', pattern: ENTITY_REF },
        cluster: { type: 'string', minLength: 1, maxLength: 63 },
        namespace: { type: 'string' },
        promotesTo: { type: 'string', pattern: ENTITY_REF },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv, ['date-time']);
const validateSchema = ajv.compile(environmentEntitySchema);

function toFieldError(e: ErrorObject): FieldError {
  const path = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') {
    path.push((e.params as { missingProperty: string }).missingProperty);
  }
  if (e.keyword === 'additionalProperties') {
    path.push((e.params as { additionalProperty: string }).additionalProperty);
  }
  const field = path.join('.') || '(entity)';
  let message: string;
  switch (e.keyword) {
    case 'required':
      message = `${field} is required`;
      break;
    case 'enum':
      message = `${field} must be one of ${(
        e.params as { allowedValues: string[] }
      ).allowedValues.join(', ')}`;
      break;
    case 'const':
      message = `${field} must be "${
        (e.params as { allowedValue: string }).allowedValue
      }"`;
      break;
    case 'additionalProperties':
      message = `${field} is not a known field of an Environment`;
      break;
    case 'pattern':
      message = `${field} must be an entity reference such as "group:default/payments"`;
      break;
    case 'format':
      message = `${field} must be an RFC 3339 date-time such as "2026-12-01T00:00:00Z"`;
      break;
    default:
      message = `${field} ${e.message ?? 'is invalid'}`;
  }
  return { field, message };
}

/**
 * Validates an Environment entity and returns every problem, each naming its
 * field. An empty list means the entity is valid.
 * @public
 */
export function validateEnvironmentEntity(entity: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!validateSchema(entity)) {
    errors.push(...(validateSchema.errors ?? []).map(toFieldError));
  }
  const e = entity as Partial<EnvironmentEntity> | undefined;
  const nameError =
    typeof e?.metadata?.name === 'string'
      ? validateDnsLabel(e.metadata.name, 'metadata.name')
      : undefined;
  if (nameError) errors.push(nameError);
  if (typeof e?.spec?.namespace === 'string') {
    const nsError = validateDnsLabel(e.spec.namespace, 'spec.namespace');
    if (nsError) errors.push(nsError);
  }
  if (typeof e?.spec?.type === 'string') {
    const typeError = validateDnsLabel(e.spec.type, 'spec.type');
    if (typeError) errors.push(typeError);
  }
  if (typeof e?.spec?.cluster === 'string') {
    const clusterError = validateDnsLabel(e.spec.cluster, 'spec.cluster');
    if (clusterError) errors.push(clusterError);
  }
  return errors;
}

/** True when the entity is a Stagecraft Environment (by apiVersion and kind). @public */
export function isEnvironmentEntity(entity: {
  apiVersion?: string;
  kind?: string;
}): boolean {
  return (
    entity.apiVersion === STAGECRAFT_API_VERSION &&
    entity.kind?.toLocaleLowerCase('en-US') ===
      ENVIRONMENT_KIND.toLocaleLowerCase('en-US')
  );
}
