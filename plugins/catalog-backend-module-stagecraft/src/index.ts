/**
 * Catalog module for Stagecraft: the `Environment` kind, its relations and
 * an entity provider for the environments Stagecraft has provisioned.
 *
 * @packageDocumentation
 */

export { catalogModuleStagecraft as default } from './module';
export { EnvironmentEntityProcessor } from './EnvironmentEntityProcessor';
export { EnvironmentEntityProvider } from './EnvironmentEntityProvider';
export type { EnvironmentEntityProviderOptions } from './EnvironmentEntityProvider';
export { ComponentDeploymentsProcessor } from './ComponentDeploymentsProcessor';
