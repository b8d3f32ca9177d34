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
  EntityStagecraftEnvironmentEventsCard,
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
