import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { InputError as FieldsInputError } from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceDefinition,
  ResourceDriver,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  checkDefinitions,
  mergeDefinitions,
  ResolvedDefinition,
} from './domain/resources/definitions';
import { builtinDrivers } from './domain/resources/drivers';

/**
 * The resource drivers: the built-in ones (manifests, claim, existing) and
 * those modules add through `stagecraftResourcesExtensionPoint`; a module's
 * driver replaces a built-in one of the same name.
 */
export function resourceDrivers(
  fromModules: ResourceDriver[],
): Map<string, ResourceDriver> {
  const drivers = new Map(builtinDrivers().map(d => [d.name, d]));
  const added = new Set<string>();
  for (const d of fromModules) {
    if (added.has(d.name)) {
      throw new InputError(
        `two modules add a Stagecraft resource driver named "${d.name}"`,
      );
    }
    added.add(d.name);
    drivers.set(d.name, d);
  }
  return drivers;
}

/**
 * Reads `stagecraft.resources.definitions` and merges the definitions of
 * modules (which override configured ones with the same criteria). Bad
 * definitions fail start-up, naming the field.
 */
export function readResourceDefinitions(
  config: Config,
  drivers: Map<string, ResourceDriver>,
  fromModules: ResourceDefinition[],
): ResolvedDefinition[] {
  const where = 'stagecraft.resources.definitions';
  const configured = config.getOptional(where) ?? [];
  if (!Array.isArray(configured)) {
    throw new InputError(`${where} must be a list of resource definitions`);
  }
  try {
    return mergeDefinitions(
      checkDefinitions(configured, drivers, where, 'config'),
      checkDefinitions(
        fromModules,
        drivers,
        'stagecraftResourcesExtensionPoint definitions',
        'module',
      ),
    );
  } catch (e) {
    if (e instanceof FieldsInputError) throw new InputError(e.message);
    throw e;
  }
}
