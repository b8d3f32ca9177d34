import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { ClusterGateway } from '../domain/ports';
import { readClusterConnections } from './clusterConfig';
import { KubernetesClusterGateway } from './KubernetesClusterGateway';

/**
 * The cluster gateway the Stagecraft plugin uses. The default talks to the
 * clusters of admin config through @kubernetes/client-node; a backend can
 * replace it with `createServiceFactory({ service: clusterGatewayServiceRef, … })`.
 *
 * @public
 */
export const clusterGatewayServiceRef = createServiceRef<ClusterGateway>({
  id: 'stagecraft.cluster-gateway',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
      },
      factory: ({ config, logger }) => {
        const log = logger.child({ plugin: 'stagecraft' });
        return new KubernetesClusterGateway(readClusterConnections(config), {
          onRetry: e =>
            log.warn(
              `cluster ${e.cluster}: ${e.method} failed (${e.reason}); try ${
                e.attempt + 1
              } in ${Math.round(e.delayMs)} ms`,
            ),
        });
      },
    }),
});
