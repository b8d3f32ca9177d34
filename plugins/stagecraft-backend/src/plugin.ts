import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { clusterGatewayServiceRef } from './cluster/clusterGatewayService';
import { readEnvironmentTypes } from './environmentTypes';
import { createRouter } from './router';

/**
 * The Stagecraft backend plugin: wires the domain to Backstage's services.
 *
 * @public
 */
export const stagecraftPlugin = createBackendPlugin({
  pluginId: 'stagecraft',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        gateway: clusterGatewayServiceRef,
      },
      async init({ config, logger, httpAuth, httpRouter, gateway }) {
        const environmentTypes = readEnvironmentTypes(config);
        logger.info(
          `Stagecraft: ${
            gateway.listClusters().length
          } cluster(s), environment types ${environmentTypes
            .map(t => t.name)
            .join(', ')}`,
        );
        httpRouter.use(
          await createRouter({
            httpAuth,
            gateway,
            environmentTypes,
            healthTimeoutMs:
              config.getOptionalNumber('stagecraft.healthTimeoutMs') ?? 3000,
          }),
        );
        // Load balancers and the local scripts probe health without a token;
        // it reveals cluster names and reachability only, never URLs or tokens.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
