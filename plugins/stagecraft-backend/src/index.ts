/**
 * The Stagecraft backend plugin.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
export { clusterGatewayServiceRef } from './cluster/clusterGatewayService';
export type { ClusterGateway, ClusterProbe, ClusterRef } from './domain/ports';
