/**
 * Scaffolder actions for Stagecraft.
 *
 * @packageDocumentation
 */
export { scaffolderModule as default, createStagecraftActions } from './module';
export { createClusterCheckAction } from './actions/clusterCheck';
export { createEnvironmentCreateAction } from './actions/environmentCreate';
export { createDeployAction } from './actions/deploy';
export { createPromoteAction } from './actions/promote';
export { createRollbackAction } from './actions/rollback';
export { createEnvironmentDeleteAction } from './actions/environmentDelete';
export { createConfigSetAction } from './actions/configSet';
export { createWaitAction } from './actions/wait';
export {
  createStagecraftApplyAction,
  createKubernetesApplyAction,
} from './actions/apply';
export { createPublishLocalAction } from './actions/publishLocal';
export { createTeardownAction } from './actions/teardown';
