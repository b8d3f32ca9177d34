/**
 * One contract (issue 20): every request/response type written by hand in
 * stagecraft-common must fit the schema of the same name in openapi.yaml, as
 * the generated models (`yarn schema:generate`) say it. A type that drifts
 * from the spec fails the type check (`yarn tsc`, part of make test); the
 * generated models are the spec's copy, never imported by the code.
 */
import type * as common from '@stagecraft/backstage-plugin-stagecraft-common';
import type * as spec from './openapi/generated/models';

/** Compiles only when A (what the code sends and reads) fits B (the spec). */
type Fits<A extends B, B> = [A, B];

/** @internal */
export type CommonFitsTheSpec = [
  Fits<common.ActionState, spec.ActionState>,
  Fits<common.ApprovalDecision, spec.ApprovalDecision>,
  Fits<common.ApprovalRequest, spec.ApprovalRequest>,
  Fits<common.CloneResult, spec.CloneResult>,
  Fits<common.ClusterEvent, spec.ClusterEvent>,
  Fits<common.ClusterEventObject, spec.ClusterEventObject>,
  Fits<common.ClusterEventsResponse, spec.ClusterEventsResponse>,
  Fits<common.ComponentActions, spec.ComponentActions>,
  Fits<common.ConfigChange, spec.ConfigChange>,
  Fits<common.ConfigVersion, spec.ConfigVersion>,
  Fits<common.CreateEnvironmentRequest, spec.CreateEnvironmentRequest>,
  Fits<common.DeployResult, spec.DeployResult>,
  Fits<common.DeploymentRevision, spec.DeploymentRevision>,
  Fits<common.EffectiveConfig, spec.EffectiveConfig>,
  Fits<common.Environment, spec.Environment>,
  Fits<common.EnvironmentActions, spec.EnvironmentActions>,
  Fits<common.EnvironmentDeployment, spec.EnvironmentDeployment>,
  Fits<common.EnvironmentUsage, spec.EnvironmentUsage>,
  Fits<common.GitopsStatus, spec.GitopsStatus>,
  Fits<common.LogLine, spec.LogLine>,
  Fits<common.LogSourcePod, spec.LogSourcePod>,
  Fits<common.LogsResponse, spec.LogsResponse>,
  Fits<common.Origin, spec.Origin>,
  Fits<common.PauseResult, spec.PauseResult>,
  Fits<common.PendingResult, spec.PendingResult>,
  Fits<common.PromotionPipeline, spec.PromotionPipeline>,
  Fits<common.ProvisionedResource, spec.ProvisionedResource>,
  Fits<common.Release, spec.Release>,
  Fits<common.ResourceAmounts, spec.ResourceAmounts>,
  Fits<common.RevisionDelivery, spec.RevisionDelivery>,
  Fits<common.SecretKeyInfo, spec.SecretKeyInfo>,
  Fits<common.SetSecretResult, spec.SetSecretResult>,
  Fits<common.TeardownPlan, spec.TeardownPlan>,
  Fits<common.TeardownResult, spec.TeardownResult>,
  Fits<common.TeardownStep, spec.TeardownStep>,
  Fits<common.UpdateEnvironmentRequest, spec.UpdateEnvironmentRequest>,
  Fits<common.WorkloadUsage, spec.WorkloadUsage>,
];
