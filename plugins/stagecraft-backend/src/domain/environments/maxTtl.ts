import { InputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord } from '../ports';
import type { EnvironmentTypeSpec } from './types';
import { parseTtl } from './validation';

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A duration in its largest whole unit, e.g. 259200000 → "3d". */
export function formatTtl(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.floor(ms / 1000)}s`;
}

/**
 * The longest `ttl` extend accepts now: the type's maxTtl counted from now,
 * minus what is left of the current expiry (extend adds to the later of
 * now and the expiry). Undefined when the type has no maxTtl.
 */
export function maxTtlOf(
  type: Pick<EnvironmentTypeSpec, 'maxTtl'> | undefined,
  env: Pick<EnvironmentRecord, 'expiresAt'>,
  now: Date,
): string | undefined {
  if (!type?.maxTtl) return undefined;
  const limit = parseTtl(type.maxTtl, 'maxTtl', []) ?? 0;
  const left = env.expiresAt
    ? Math.max(0, Date.parse(env.expiresAt) - now.getTime())
    : 0;
  const room = Math.max(0, limit - left);
  // whole minutes (a person reads "4d", not "345603s")
  return formatTtl(room >= 60_000 ? room - (room % 60_000) : room);
}

/**
 * Refuses an extension that would let the environment live longer than its
 * type's maxTtl from now (400 naming `ttl` and the limit).
 */
export function checkMaxTtl(
  type: Pick<EnvironmentTypeSpec, 'name' | 'maxTtl'> | undefined,
  env: Pick<EnvironmentRecord, 'name'>,
  newExpiry: number,
  now: Date,
): void {
  if (!type?.maxTtl) return;
  const limit = parseTtl(type.maxTtl, 'maxTtl', []);
  if (limit === undefined || newExpiry - now.getTime() <= limit) return;
  throw new InputError([
    {
      field: 'ttl',
      message: `ttl would keep ${env.name} for ${formatTtl(
        Math.round((newExpiry - now.getTime()) / 1000) * 1000,
      )} from now, beyond the maxTtl of ${type.maxTtl} of environment type "${
        type.name
      }"`,
    },
  ]);
}
