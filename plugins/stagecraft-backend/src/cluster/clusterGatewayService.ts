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
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) =>
        new KubernetesClusterGateway(readClusterConnections(config)),
    }),
});
