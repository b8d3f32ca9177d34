import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import { StagecraftClient, stagecraftApiRef } from './api/StagecraftApi';
import { Surface } from './components/common/Surface';

/** @public */
export const stagecraftApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: stagecraftApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new StagecraftClient(deps),
    }),
});

/** Overview card on every Environment entity page. @public */
export const environmentOverviewCard = EntityCardBlueprint.make({
  name: 'environment-overview',
  params: {
    filter: { kind: 'environment' },
    // the main column: the card has actions and an expiry row, and the info
    // column is a viewport-high sticky box that hides what does not fit
    type: 'content',
    loader: () =>
      import('./components/EnvironmentOverviewCard').then(m => (
        <Surface>
          <m.EnvironmentOverviewCard />
        </Surface>
      )),
  },
});

/** What runs in an environment. @public */
export const environmentWorkloadsCard = EntityCardBlueprint.make({
  name: 'environment-workloads',
  params: {
    filter: { kind: 'environment' },
    type: 'content',
    loader: () =>
      import('./components/EnvironmentCards').then(m => (
        <Surface>
          <m.EnvironmentWorkloadsCard />
        </Surface>
      )),
  },
});

/** Resources provisioned in an environment. @public */
export const environmentResourcesCard = EntityCardBlueprint.make({
  name: 'environment-resources',
  params: {
    filter: { kind: 'environment' },
    type: 'content',
    loader: () =>
      import('./components/EnvironmentCards').then(m => (
        <Surface>
          <m.EnvironmentResourcesCard />
        </Surface>
      )),
  },
});

/** Deploys into an environment that wait for approval. @public */
export const environmentApprovalsCard = EntityCardBlueprint.make({
  name: 'environment-approvals',
  params: {
    filter: { kind: 'environment' },
    type: 'content',
    loader: () =>
      import('./components/Approvals').then(m => (
        <Surface>
          <m.EnvironmentApprovalsCard />
        </Surface>
      )),
  },
});

/** Requests and limits against the quota, with a cost estimate. @public */
export const environmentUsageCard = EntityCardBlueprint.make({
  name: 'environment-usage',
  params: {
    filter: { kind: 'environment' },
    type: 'content',
    loader: () =>
      import('./components/Usage').then(m => (
        <Surface>
          <m.EnvironmentUsageCard />
        </Surface>
      )),
  },
});

/** Kubernetes events of an environment's namespace, live. @public */
export const environmentEventsCard = EntityCardBlueprint.make({
  name: 'environment-events',
  params: {
    filter: { kind: 'environment' },
    type: 'content',
    loader: () =>
      import('./components/Events').then(m => (
        <Surface>
          <m.EnvironmentEventsCard />
        </Surface>
      )),
  },
});

/** The "Deployments" tab of a Component. @public */
export const deploymentsEntityContent = EntityContentBlueprint.make({
  name: 'deployments',
  params: {
    path: 'deployments',
    title: 'Deployments',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/DeploymentsContent').then(m => (
        <Surface>
          <m.DeploymentsContent />
        </Surface>
      )),
  },
});

/** The "Config" tab of a Component. @public */
export const configEntityContent = EntityContentBlueprint.make({
  name: 'config',
  params: {
    path: 'config',
    title: 'Config',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/ConfigContent').then(m => (
        <Surface>
          <m.ConfigContent />
        </Surface>
      )),
  },
});

/** @public */
export const environmentsRouteRef = createRouteRef();

/** The top-level "Environments" page. @public */
export const environmentsPage = PageBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    icon: <CloudQueueIcon />,
    routeRef: environmentsRouteRef,
    loader: () =>
      import('./components/EnvironmentsPage').then(m => (
        <Surface>
          <m.EnvironmentsPage />
        </Surface>
      )),
  },
});

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
