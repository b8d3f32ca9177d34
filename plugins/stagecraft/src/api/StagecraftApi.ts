import { createApiRef } from '@backstage/frontend-plugin-api';
import type { StagecraftApi } from './types';

export * from './types';
export * from './wire';
export { StagecraftClient } from './StagecraftClient';

/** @public */
export const stagecraftApiRef = createApiRef<StagecraftApi>({
  id: 'plugin.stagecraft.api',
});
