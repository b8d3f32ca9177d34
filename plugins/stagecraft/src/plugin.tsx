import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  configEntityContent,
  deploymentsEntityContent,
  environmentApprovalsCard,
  environmentEventsCard,
  environmentOverviewCard,
  environmentResourcesCard,
  environmentsPage,
  environmentsRouteRef,
  environmentUsageCard,
  environmentWorkloadsCard,
  stagecraftApi,
} from './extensions';

/** The Stagecraft frontend plugin (new frontend system). @public */
export const stagecraftPlugin = createFrontendPlugin({
  pluginId: 'stagecraft',
  routes: { environments: environmentsRouteRef },
  extensions: [
    stagecraftApi,
    environmentOverviewCard,
    environmentWorkloadsCard,
    environmentResourcesCard,
    environmentApprovalsCard,
    environmentUsageCard,
    environmentEventsCard,
    deploymentsEntityContent,
    configEntityContent,
    environmentsPage,
  ],
});
