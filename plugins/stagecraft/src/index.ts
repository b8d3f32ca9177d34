/**
 * Stagecraft frontend: environments and deployments where teams already look.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
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
