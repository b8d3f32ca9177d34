import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { EnvironmentEntityProcessor } from './EnvironmentEntityProcessor';

/**
 * Catalog module that teaches the catalog the Stagecraft `Environment` kind.
 *
 * @public
 */
export const catalogModuleStagecraft = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'stagecraft',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addProcessor(new EnvironmentEntityProcessor());
      },
    });
  },
});
