import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import { claimDriver } from './claim';
import { existingDriver } from './existing';
import { manifestsDriver } from './manifests';

export { MANIFEST_PRESETS } from './presets';

/** The drivers Stagecraft ships: manifests, claim, existing. */
export function builtinDrivers(): ResourceDriver[] {
  return [manifestsDriver, claimDriver, existingDriver];
}
