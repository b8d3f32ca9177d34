/**
 * Request and response types of the HTTP API that no aggregate file owns,
 * written once here for the router, `StagecraftClient` (node), the frontend
 * client and the tests (openapi.yaml describes the same shapes; its parity
 * test checks the routes).
 */
import type {
  ConfigValue,
  ConfigVersion,
  EffectiveConfig,
  EnvironmentDeployment,
} from './deployments';
import type { Environment } from './environments';
import type { ApprovalRequest } from './operations';
import type { Origin } from './environments';

/** What `POST /environments/:name/provision` answers. @public */
export interface ProvisionResult {
  environment: Environment;
  /** 201: provisioned now; false (200): it already was, with the same spec. */
  created: boolean;
}

/** Body of `POST /components/:ref/promote`. @public */
export interface PromoteRequest {
  from: string;
  to?: string;
  dryRun?: boolean;
  /** The template run it comes from (recorded on the revision). */
  origin?: Origin;
}

/** Body of `POST /components/:ref/rollback`. @public */
export interface RollbackRequest {
  environment: string;
  revision?: number;
  releaseId?: string;
  dryRun?: boolean;
  /** The template run it comes from (recorded on the revision). */
  origin?: Origin;
}

/** A field changed outside Stagecraft (`GET /components/:ref/drift`). @public */
export interface DriftedField {
  object: string;
  path: string;
  expected: unknown;
  actual: unknown;
}

/** Body of `PUT /config`. @public */
export interface SetConfigRequest {
  environment: string;
  component?: string;
  /** `null` removes a key. */
  values: Record<string, ConfigValue>;
  message?: string;
  dryRun?: boolean;
}

/** Body of `POST /config/rollback`. @public */
export interface ConfigRollbackRequest {
  environment: string;
  component?: string;
  /** The version whose values come back. */
  version: number;
  dryRun?: boolean;
}

/** What `PUT /config` answers. @public */
export interface ConfigChange {
  dryRun: boolean;
  version?: ConfigVersion;
  effective: EffectiveConfig;
  changes: Array<{ key: string; before?: ConfigValue; after?: ConfigValue }>;
}

/** Filter of `GET /approvals` (every field optional). @public */
export interface ApprovalQuery {
  component?: string;
  environment?: string;
  state?: ApprovalRequest['state'];
}

/** An environment type developers may create (`GET /environment-types`). @public */
export interface EnvironmentTypeInfo {
  name: string;
  tier: string;
  description?: string;
  defaultTtl?: string;
}

/**
 * One event of a component's live Deployments stream
 * (`GET /components/:ref/events`, server-sent events): a deployment's status
 * (first the current state of each environment, then every change), or an
 * approval request about the component as it changes.
 * @public
 */
export type DeploymentStreamEvent =
  | { event: 'status'; data: EnvironmentDeployment }
  | { event: 'approval'; data: ApprovalRequest };
