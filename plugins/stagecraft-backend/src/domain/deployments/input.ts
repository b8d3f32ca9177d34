import {
  validateDnsLabel,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { asObject, checkBody, checkOrigin } from '../input';

const COMPONENT_REF =
  /^(?:component:)?(?:([a-z0-9][a-z0-9_.-]*)\/)?([a-z0-9][a-z0-9_.-]*)$/i;
/** An image reference (registry/path:tag@digest): no spaces, quotes or control characters. */
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,511}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Normalises `checkout`, `default/checkout` or `component:default/checkout`. */
export function normalizeComponentRef(value: unknown): string {
  const match = typeof value === 'string' ? COMPONENT_REF.exec(value) : null;
  if (!match) {
    throw new InputError([
      {
        field: 'component',
        message:
          'component must be a component reference such as "component:default/checkout"',
      },
    ]);
  }
  return `component:${(match[1] ?? 'default').toLocaleLowerCase(
    'en-US',
  )}/${match[2].toLocaleLowerCase('en-US')}`;
}

/** A bare tag (`1.2.3`), not an image reference: no registry, path or colon. */
export function isBareTag(image: string): boolean {
  return TAG.test(image) && !image.includes(':') && !image.includes('/');
}

export const envName = (required: boolean) => (v: unknown) =>
  v === undefined && !required
    ? undefined
    : validateDnsLabel(v, 'environment')?.message;

export const optionalBool = (field: string) => (v: unknown) =>
  v === undefined || typeof v === 'boolean'
    ? undefined
    : `${field} must be true or false`;

const imageRule = (v: unknown) =>
  v === undefined || (typeof v === 'string' && IMAGE.test(v))
    ? undefined
    : 'image must be an image reference or tag without spaces';

const workloadRule = (v: unknown) =>
  v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v))
    ? undefined
    : 'workload must be a Score workload object';

const replicasRule = (v: unknown) =>
  v === undefined ||
  (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1000)
    ? undefined
    : 'replicas must be a whole number from 0 to 1000';

const revisionRule = (v: unknown) =>
  v === undefined || (Number.isInteger(v) && (v as number) >= 1)
    ? undefined
    : 'revision must be a revision number (1, 2, …)';

const releaseIdRule = (v: unknown) =>
  v === undefined || (typeof v === 'string' && /^r-[0-9a-f]{12}$/.test(v))
    ? undefined
    : 'releaseId must look like "r-0123456789ab"';

/** The body fields of a deploy, promote and rollback request, with their rules. */
export const ROLLOUT_RULES = {
  deploy: {
    environment: envName(true),
    image: imageRule,
    workload: workloadRule,
    replicas: replicasRule,
  },
  promote: {
    from: (v: unknown) => validateDnsLabel(v, 'from')?.message,
    to: (v: unknown) =>
      v === undefined ? undefined : validateDnsLabel(v, 'to')?.message,
  },
  rollback: {
    environment: envName(true),
    revision: revisionRule,
    releaseId: releaseIdRule,
  },
};

/**
 * The component ref and body of a deploy, promote or rollback request: the
 * body has only the fields of `rules` plus `dryRun` and `origin`, each
 * checked by its rule (every problem in one 400).
 */
export function rolloutRequest(
  componentRef: unknown,
  body: unknown,
  rules: Record<string, (v: unknown) => string | undefined>,
): { ref: string; b: Record<string, unknown> } {
  const ref = normalizeComponentRef(componentRef);
  const b = asObject(body);
  const all = { ...rules, dryRun: optionalBool('dryRun'), origin: checkOrigin };
  checkBody(b, Object.keys(all), all);
  return { ref, b };
}
