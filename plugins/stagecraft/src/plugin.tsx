import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { StagecraftClient, stagecraftApiRef } from './api/StagecraftApi';

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
    type: 'info',
    loader: () =>
      import('./components/EnvironmentOverviewCard').then(m => (
        <m.EnvironmentOverviewCard />
      )),
  },
});

/** The Stagecraft frontend plugin (new frontend system). @public */
export const stagecraftPlugin = createFrontendPlugin({
  pluginId: 'stagecraft',
  extensions: [stagecraftApi, environmentOverviewCard],
});
