export {
  stagecraftPlugin,
  EntityStagecraftDeploymentsContent,
  EntityStagecraftConfigContent,
  StagecraftEnvironmentsPage,
  EntityStagecraftEnvironmentOverviewCard,
  EntityStagecraftEnvironmentWorkloadsCard,
  EntityStagecraftEnvironmentResourcesCard,
  EntityStagecraftEnvironmentApprovalsCard,
  EntityStagecraftEnvironmentUsageCard,
} from './plugin';
export {
  deploymentsRouteRef,
  configRouteRef,
  environmentsPageRouteRef,
} from './routes';
export {
  isStagecraftAvailable,
  isStagecraftEnvironment,
} from './isStagecraftAvailable';
