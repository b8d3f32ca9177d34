/**
 * The Stagecraft backend plugin.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
export type {
  ClusterGateway,
  ClusterProbe,
  ClusterWarning,
  ClusterRef,
  EnvironmentRecord,
  KubeObject,
  KubeObjectRef,
} from './domain/ports';
export { stagecraftExamplePolicyModule } from './permissions/examplePolicyModule';
export { StagecraftExamplePolicy } from './permissions/ExamplePolicy';
export type { ExamplePolicyOptions } from './permissions/ExamplePolicy';
export {
  environmentConditions,
  createEnvironmentConditionalDecision,
  environmentRules,
} from './permissions/rules';
export type { EnvironmentFilter } from './permissions/rules';
export { stagecraftSearchModule } from './search/module';
export { EnvironmentCollatorFactory } from './search/EnvironmentCollatorFactory';
export type { EnvironmentDocument } from './search/EnvironmentCollatorFactory';
