/**
 * The built-in templates of the `manifests` driver (`params.template`), by
 * name: one per Score resource type score-k8s provisions by default, with
 * the same output names.
 */
import type { ManifestsTemplate } from './templates/base';
import { DATABASE_PRESETS } from './templates/databases';
import { MESSAGING_PRESETS } from './templates/messaging';
import { NETWORK_PRESETS } from './templates/network';

export type { ManifestsTemplate } from './templates/base';

export const MANIFEST_PRESETS: Record<string, ManifestsTemplate> = {
  ...DATABASE_PRESETS,
  ...MESSAGING_PRESETS,
  ...NETWORK_PRESETS,
};
