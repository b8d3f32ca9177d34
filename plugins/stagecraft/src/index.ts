/**
 * Stagecraft frontend: environments and deployments where teams already look.
 *
 * The package root is the legacy frontend system (`@backstage/core-plugin-api`:
 * `stagecraftPlugin`, the `Entity…` extensions, `isStagecraftAvailable`); the
 * new frontend system's plugin is the default export of `/alpha`. Both mount
 * the same components, exported here too.
 *
 * @packageDocumentation
 */
export * from './legacy';
export {
  stagecraftApiRef,
  StagecraftClient,
  isPending,
} from './api/StagecraftApi';
export type {
  StagecraftApi,
  PromoteRequest,
  RollbackRequest,
  DriftedField,
  SetConfigRequest,
  ConfigChange,
  EnvironmentResource,
  DeploymentStreamListener,
  DeployOutcome,
  ApprovalQuery,
  EnvironmentTypeInfo,
  LogStreamListener,
  ClusterEventsScope,
  ClusterEventsListener,
} from './api/StagecraftApi';
export type { Wire, WireDeployment } from './api/wire';
export type {
  ProvisionResult,
  ConfigRollbackRequest,
} from './api/StagecraftApi';
export { EnvironmentOverviewCard } from './components/EnvironmentOverviewCard';
export { DeploymentsContent } from './components/DeploymentsContent';
export { ConfigContent } from './components/ConfigContent';
export { EnvironmentsPage } from './components/EnvironmentsPage';
export {
  EnvironmentWorkloadsCard,
  EnvironmentResourcesCard,
} from './components/EnvironmentCards';
export { EnvironmentApprovalsCard } from './components/Approvals';
export { EnvironmentUsageCard } from './components/Usage';
export { EnvironmentEventsCard } from './components/Events';
export { LogsDialog } from './components/Logs';
