import { Header, Page } from '@backstage/core-components';
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { StagecraftClient, stagecraftApiRef } from '../api/StagecraftApi';
import {
  configRouteRef,
  deploymentsRouteRef,
  environmentsPageRouteRef,
} from './routes';
import { surfaced } from '../components/common/Surface';

/**
 * The Stagecraft frontend plugin for the legacy frontend system
 * (`@backstage/core-plugin-api`), with the factory of the Stagecraft API
 * client. Apps on the new frontend system use the default export of
 * `@stagecraft/backstage-plugin-stagecraft/alpha` instead.
 *
 * @public
 */
export const stagecraftPlugin = createPlugin({
  id: 'stagecraft',
  apis: [
    createApiFactory({
      api: stagecraftApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new StagecraftClient(deps),
    }),
  ],
  routes: {
    deployments: deploymentsRouteRef,
    config: configRouteRef,
    environments: environmentsPageRouteRef,
  },
});

/** The "Deployments" tab of a Component (legacy frontend system). @public */
export const EntityStagecraftDeploymentsContent = stagecraftPlugin.provide(
  createRoutableExtension({
    name: 'EntityStagecraftDeploymentsContent',
    mountPoint: deploymentsRouteRef,
    component: () =>
      import('../components/DeploymentsContent').then(m =>
        surfaced(m.DeploymentsContent),
      ),
  }),
);

/** The "Config" tab of a Component (legacy frontend system). @public */
export const EntityStagecraftConfigContent = stagecraftPlugin.provide(
  createRoutableExtension({
    name: 'EntityStagecraftConfigContent',
    mountPoint: configRouteRef,
    component: () =>
      import('../components/ConfigContent').then(m =>
        surfaced(m.ConfigContent),
      ),
  }),
);

/**
 * The top-level "Environments" page (legacy frontend system), for a
 * `<Route path="/environments">` in the app's App.tsx.
 *
 * @public
 */
export const StagecraftEnvironmentsPage = stagecraftPlugin.provide(
  createRoutableExtension({
    name: 'StagecraftEnvironmentsPage',
    mountPoint: environmentsPageRouteRef,
    component: () =>
      import('../components/EnvironmentsPage').then(m => {
        const Body = surfaced(m.EnvironmentsPage);
        // the new system's PageBlueprint draws the header; here the page does
        return function StagecraftEnvironmentsPageRoot() {
          return (
            <Page themeId="tool">
              <Header title="Environments" />
              <Body />
            </Page>
          );
        };
      }),
  }),
);

/** Overview card of an Environment entity (legacy frontend system). @public */
export const EntityStagecraftEnvironmentOverviewCard = stagecraftPlugin.provide(
  createComponentExtension({
    name: 'EntityStagecraftEnvironmentOverviewCard',
    component: {
      lazy: () =>
        import('../components/EnvironmentOverviewCard').then(m =>
          surfaced(m.EnvironmentOverviewCard),
        ),
    },
  }),
);

/** What runs in an environment (legacy frontend system). @public */
export const EntityStagecraftEnvironmentWorkloadsCard =
  stagecraftPlugin.provide(
    createComponentExtension({
      name: 'EntityStagecraftEnvironmentWorkloadsCard',
      component: {
        lazy: () =>
          import('../components/EnvironmentCards').then(m =>
            surfaced(m.EnvironmentWorkloadsCard),
          ),
      },
    }),
  );

/** Resources provisioned in an environment (legacy frontend system). @public */
export const EntityStagecraftEnvironmentResourcesCard =
  stagecraftPlugin.provide(
    createComponentExtension({
      name: 'EntityStagecraftEnvironmentResourcesCard',
      component: {
        lazy: () =>
          import('../components/EnvironmentCards').then(m =>
            surfaced(m.EnvironmentResourcesCard),
          ),
      },
    }),
  );

/** Deploys into an environment that wait for approval (legacy frontend system). @public */
export const EntityStagecraftEnvironmentApprovalsCard =
  stagecraftPlugin.provide(
    createComponentExtension({
      name: 'EntityStagecraftEnvironmentApprovalsCard',
      component: {
        lazy: () =>
          import('../components/Approvals').then(m =>
            surfaced(m.EnvironmentApprovalsCard),
          ),
      },
    }),
  );

/** Requests and limits against the quota, with a cost estimate (legacy frontend system). @public */
export const EntityStagecraftEnvironmentUsageCard = stagecraftPlugin.provide(
  createComponentExtension({
    name: 'EntityStagecraftEnvironmentUsageCard',
    component: {
      lazy: () =>
        import('../components/Usage').then(m =>
          surfaced(m.EnvironmentUsageCard),
        ),
    },
  }),
);

/** Kubernetes events of an environment's namespace, live (legacy frontend system). @public */
export const EntityStagecraftEnvironmentEventsCard = stagecraftPlugin.provide(
  createComponentExtension({
    name: 'EntityStagecraftEnvironmentEventsCard',
    component: {
      lazy: () =>
        import('../components/Events').then(m =>
          surfaced(m.EnvironmentEventsCard),
        ),
    },
  }),
);
