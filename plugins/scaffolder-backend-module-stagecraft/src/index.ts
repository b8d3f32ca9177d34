/**
 * Scaffolder actions for Stagecraft.
 *
 * @packageDocumentation
 */
export { scaffolderModule as default } from './module';
export { createClusterCheckAction } from './actions/clusterCheck';
