import {
  ApiBlueprint,
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
import { createElement, type ComponentType } from 'react';
import { StagecraftClient, stagecraftApiRef } from './api/StagecraftApi';
import { surfaced } from './components/common/Surface';

/** A loaded component, rendered in the Surface of every Stagecraft view. */
function inSurface(load: () => Promise<ComponentType>) {
  return () => load().then(Component => createElement(surfaced(Component)));
}

/**
 * A card on every Environment entity page, in the main column: the cards
 * have actions and tables, and the info column is a viewport-high sticky box
 * that hides what does not fit.
 */
function environmentCard<TName extends string>(
  name: TName,
  load: () => Promise<ComponentType>,
) {
  return EntityCardBlueprint.make({
    name,
    params: {
      filter: { kind: 'environment' },
      type: 'content',
      loader: inSurface(load),
    },
  });
}

/** A tab of every Component entity page, at `path` = its name. */
function componentTab<TName extends string>(
  name: TName,
  title: string,
  load: () => Promise<ComponentType>,
) {
  return EntityContentBlueprint.make({
    name,
    params: {
      path: name,
      title,
      filter: { kind: 'component' },
      loader: inSurface(load),
    },
  });
}

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
export const environmentOverviewCard = environmentCard(
  'environment-overview',
  () =>
    import('./components/EnvironmentOverviewCard').then(
      m => m.EnvironmentOverviewCard,
    ),
);

/** What runs in an environment. @public */
export const environmentWorkloadsCard = environmentCard(
  'environment-workloads',
  () =>
    import('./components/EnvironmentCards').then(
      m => m.EnvironmentWorkloadsCard,
    ),
);

/** Resources provisioned in an environment. @public */
export const environmentResourcesCard = environmentCard(
  'environment-resources',
  () =>
    import('./components/EnvironmentCards').then(
      m => m.EnvironmentResourcesCard,
    ),
);

/** Deploys into an environment that wait for approval. @public */
export const environmentApprovalsCard = environmentCard(
  'environment-approvals',
  () => import('./components/Approvals').then(m => m.EnvironmentApprovalsCard),
);

/** Requests and limits against the quota, with a cost estimate. @public */
export const environmentUsageCard = environmentCard('environment-usage', () =>
  import('./components/Usage').then(m => m.EnvironmentUsageCard),
);

/** Kubernetes events of an environment's namespace, live. @public */
export const environmentEventsCard = environmentCard('environment-events', () =>
  import('./components/Events').then(m => m.EnvironmentEventsCard),
);

/** The "Deployments" tab of a Component. @public */
export const deploymentsEntityContent = componentTab(
  'deployments',
  'Deployments',
  () =>
    import('./components/DeploymentsContent').then(m => m.DeploymentsContent),
);

/** The "Config" tab of a Component. @public */
export const configEntityContent = componentTab('config', 'Config', () =>
  import('./components/ConfigContent').then(m => m.ConfigContent),
);

/** @public */
export const environmentsRouteRef = createRouteRef();

/** The top-level "Environments" page. @public */
export const environmentsPage = PageBlueprint.make({
  params: {
    path: '/environments',
    title: 'Environments',
    icon: <CloudQueueIcon />,
    routeRef: environmentsRouteRef,
    loader: inSurface(() =>
      import('./components/EnvironmentsPage').then(m => m.EnvironmentsPage),
    ),
  },
});
