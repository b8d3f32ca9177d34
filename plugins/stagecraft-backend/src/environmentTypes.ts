import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ENVIRONMENT_TIERS,
  EnvironmentTier,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/** An environment type offered to developers. */
export interface EnvironmentType {
  name: string;
  tier: EnvironmentTier;
  description?: string;
}

/** Reads `stagecraft.environmentTypes`, defaulting to one type per tier. */
export function readEnvironmentTypes(config: Config): EnvironmentType[] {
  const configured = config.getOptionalConfigArray(
    'stagecraft.environmentTypes',
  );
  if (!configured) {
    return ENVIRONMENT_TIERS.map(tier => ({ name: tier, tier }));
  }
  const types = configured.map((c, i) => {
    const where = `stagecraft.environmentTypes[${i}]`;
    const name = c.getString('name');
    const nameError = validateDnsLabel(name, `${where}.name`);
    if (nameError) throw new InputError(nameError.message);
    const tier = c.getString('tier') as EnvironmentTier;
    if (!ENVIRONMENT_TIERS.includes(tier)) {
      throw new InputError(
        `${where}.tier must be one of ${ENVIRONMENT_TIERS.join(
          ', ',
        )}, got "${tier}"`,
      );
    }
    return { name, tier, description: c.getOptionalString('description') };
  });
  const names = types.map(t => t.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new InputError(`environment type "${dup}" is configured twice`);
  return types;
}
