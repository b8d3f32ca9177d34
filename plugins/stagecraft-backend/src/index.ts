/**
 * The Stagecraft backend plugin.
 *
 * @packageDocumentation
 */
export { stagecraftPlugin as default } from './plugin';
import { clusterGatewayServiceRef as gatewayServiceRef } from './cluster/clusterGatewayService';

// declared here, not re-exported, so that the published documentation is this
// one (the source's names @kubernetes/client-node outside a code span, which
// TSDoc takes for a tag)
/**
 * The cluster gateway the Stagecraft plugin uses. The default talks to the
 * clusters of admin config through `@kubernetes/client-node`; a backend can
 * replace it with `createServiceFactory({ service: clusterGatewayServiceRef, … })`.
 *
 * @public
 */
export const clusterGatewayServiceRef = gatewayServiceRef;
export type {
  ClusterGateway,
  ClusterProbe,
  ClusterWarning,
  ClusterRef,
  EnvironmentRecord,
  KubeObject,
  KubeObjectRef,
} from './domain/ports';
export { stagecraftExamplePolicyModule } from './policy/module';
export { StagecraftExamplePolicy } from './policy/ExamplePolicy';
export type { ExamplePolicyOptions } from './policy/ExamplePolicy';
export {
  environmentConditions,
  createEnvironmentConditionalDecision,
  environmentRules,
} from './permissions/rules';
export type { EnvironmentFilter } from './permissions/rules';
export { stagecraftSearchModule } from './search/module';
export { EnvironmentCollatorFactory } from './search/EnvironmentCollatorFactory';
export type { EnvironmentDocument } from './search/EnvironmentCollatorFactory';
