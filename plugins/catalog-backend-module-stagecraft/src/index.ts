/**
 * Catalog module for Stagecraft: the `Environment` kind and its relations.
 *
 * @packageDocumentation
 */

export { catalogModuleStagecraft as default } from './module';
export { EnvironmentEntityProcessor } from './EnvironmentEntityProcessor';
