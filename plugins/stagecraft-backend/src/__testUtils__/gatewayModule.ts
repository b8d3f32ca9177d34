import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  ClusterGateway,
  stagecraftClusterGatewayExtensionPoint,
} from '@stagecraft/backstage-plugin-stagecraft-node';

/**
 * A backend module that gives the Stagecraft plugin `gateway` as its
 * cluster gateway, the way an installer's module would.
 */
export function clusterGatewayModule(
  gateway: ClusterGateway,
  moduleId = 'test-gateway',
) {
  return createBackendModule({
    pluginId: 'stagecraft',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { clusters: stagecraftClusterGatewayExtensionPoint },
        async init({ clusters }) {
          clusters.setClusterGateway(gateway);
        },
      });
    },
  });
}
