/**
 * Backend library for Stagecraft: the client other plugins use to call the
 * Stagecraft backend, and the service refs and extension points it offers.
 *
 * @packageDocumentation
 */
export { StagecraftClient } from './StagecraftClient';
export type { StagecraftRequestOptions } from './StagecraftClient';
export { stagecraftClientServiceRef } from './services';
export { stagecraftResourcesExtensionPoint } from './resources';
export type {
  ResourceCluster,
  ResourceDefinition,
  ResourceDriver,
  ResourceDriverContext,
  ResourceObject,
  ResourceObjectRef,
  ResourceOutputs,
  ResourceOutputValue,
  ResourceStatus,
  SecretOutputRef,
  StagecraftResourcesExtensionPoint,
} from './resources';
export { stagecraftClusterAuthExtensionPoint } from './clusterAuth';
export type { StagecraftClusterAuthExtensionPoint } from './clusterAuth';
export { stagecraftClusterGatewayExtensionPoint } from './cluster';
export type {
  ClusterGateway,
  ClusterListPage,
  ClusterProbe,
  ClusterRef,
  ClusterWarning,
  ClusterWatchTransport,
  KubeObject,
  KubeObjectRef,
  StagecraftClusterGatewayExtensionPoint,
} from './cluster';
