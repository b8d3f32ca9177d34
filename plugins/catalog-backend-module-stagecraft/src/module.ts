import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { stagecraftClientServiceRef } from '@stagecraft/backstage-plugin-stagecraft-node';
import { EnvironmentEntityProcessor } from './EnvironmentEntityProcessor';
import { ComponentDeploymentsProcessor } from './ComponentDeploymentsProcessor';
import { EnvironmentEntityProvider } from './EnvironmentEntityProvider';

/**
 * Catalog module that teaches the catalog the Stagecraft `Environment` kind
 * and ingests the environments Stagecraft has provisioned.
 *
 * The provider reads them from the Stagecraft backend (REST list on startup,
 * then change events); it keeps working, idle, when that backend plugin is
 * not installed.
 *
 * @public
 */
export const catalogModuleStagecraft = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'stagecraft',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        auth: coreServices.auth,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
        stagecraft: stagecraftClientServiceRef,
      },
      async init({ catalog, auth, logger, lifecycle, events, stagecraft }) {
        catalog.addProcessor(new EnvironmentEntityProcessor());
        catalog.addProcessor(
          new ComponentDeploymentsProcessor({
            client: stagecraft,
            auth,
            logger,
          }),
        );
        const provider = new EnvironmentEntityProvider({
          client: stagecraft,
          auth,
          events,
          logger,
        });
        catalog.addEntityProvider(provider);
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
