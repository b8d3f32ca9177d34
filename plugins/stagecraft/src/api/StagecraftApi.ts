import { createApiRef } from '@backstage/frontend-plugin-api';
import type { StagecraftApi } from './types';

export * from './types';
// the request/response types are the contract's, written once in
// stagecraft-common; re-exported so the plugin's own API keeps its names
export type {
  ApprovalQuery,
  ConfigChange,
  ConfigRollbackRequest,
  DriftedField,
  EnvironmentTypeInfo,
  PromoteRequest,
  ProvisionResult,
  RollbackRequest,
  SetConfigRequest,
} from '@stagecraft/backstage-plugin-stagecraft-common';
export * from './wire';
export { StagecraftClient } from './StagecraftClient';

/** @public */
export const stagecraftApiRef = createApiRef<StagecraftApi>({
  id: 'plugin.stagecraft.api',
});
