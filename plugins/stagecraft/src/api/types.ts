import type {
  ApprovalQuery,
  ApprovalRequest,
  CloneEnvironmentRequest,
  CloneResult,
  ClusterEventsResponse,
  ComponentActions,
  ConfigChange,
  ConfigRollbackRequest,
  ConfigVersion,
  DeploymentRevision,
  DeployRequest,
  DeployResult,
  DriftedField,
  EffectiveConfig,
  Environment,
  EnvironmentActions,
  EnvironmentTypeInfo,
  EnvironmentUsage,
  HealthResponse,
  LogQuery,
  LogsResponse,
  LogStreamEvent,
  PauseResult,
  PendingResult,
  PromoteRequest,
  PromotionPipeline,
  ProvisionedResource,
  ProvisionResult,
  RollbackRequest,
  SecretKeyInfo,
  SetConfigRequest,
  TeardownPlan,
  TeardownResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Wire, WireDeployment } from './wire';

/**
 * A resource provisioned in an environment (`GET /environments/:name/resources`),
 * as the backend sends it: any field may be missing.
 * @public
 */
export type EnvironmentResource = Wire<ProvisionedResource>;

/**
 * What deploy, promote and rollback answer: the rollout (201), or an approval
 * request (202) when the target environment's type requires approvals.
 * @public
 */
export type DeployOutcome = DeployResult | PendingResult;

/** Whether a deploy/promote/rollback is waiting for approvals. @public */
export function isPending(outcome: DeployOutcome): outcome is PendingResult {
  return !!(outcome as PendingResult).pending;
}

/** Callbacks of a live deployment status stream. @public */
export interface DeploymentStreamListener {
  onStatus(deployment: WireDeployment): void;
  /** An approval request changed (only when the backend streams `approval` events). */
  onApproval?(request: ApprovalRequest): void;
  /** The stream is connected (again). */
  onOpen?(): void;
  /** The stream broke; it reconnects by itself (with back-off). */
  onError?(error: Error): void;
}

/** Callbacks of a followed log (`GET /components/:ref/logs?follow=true`). @public */
export interface LogStreamListener {
  /** Each `pods`, `line`, `notice` and `end` event, in the order received. */
  onEvent(event: LogStreamEvent): void;
  /** The stream could not be opened, or broke; it is not reopened. */
  onError?(error: Error): void;
  /** The backend closed the stream (after `end`, or without one). */
  onClose?(): void;
}

/**
 * Whose Kubernetes events: an environment's namespace, or (with `component`)
 * the objects of one component there.
 * @public
 */
export interface ClusterEventsScope {
  /** The environment (its namespace's events). */
  environment: string;
  /** A component entity ref; without it, every event of the environment. */
  component?: string;
}

/** Callbacks of watched Kubernetes events. @public */
export interface ClusterEventsListener {
  /** The whole list (newest first) every time it changes. */
  onEvents(response: ClusterEventsResponse): void;
  /** The stream is connected (again). */
  onOpen?(): void;
  /** The stream broke; it reconnects by itself (with back-off) unless a 4xx refused it. */
  onError?(error: Error): void;
}

/** What the Stagecraft UI asks the Stagecraft backend. @public */
export interface StagecraftApi {
  getHealth(): Promise<HealthResponse>;
  listEnvironments(): Promise<Environment[]>;
  getEnvironment(name: string): Promise<Environment>;
  extendEnvironment(name: string, ttl: string): Promise<Environment>;
  deleteEnvironment(name: string, confirm?: string): Promise<void>;
  /**
   * Provision a declared (catalog `kind: Environment`) environment from its
   * entity: `created` is false when it was already provisioned with the same
   * spec. 404: no such declared entity; 409: a provisioned environment of that
   * name differs (the message lists the fields); 403: not allowed.
   */
  provisionEnvironment(name: string): Promise<ProvisionResult>;
  /** `undefined` on 404: the environment is not provisioned (yet). */
  getEnvironmentResources(
    name: string,
  ): Promise<EnvironmentResource[] | undefined>;
  /** As the backend sends them: any field may be missing (see `Wire`). */
  getDeployments(componentRef: string): Promise<WireDeployment[]>;
  /** Server-sent events of `GET /components/:ref/events`; returns a function that stops them. */
  watchDeployments(
    componentRef: string,
    listener: DeploymentStreamListener,
  ): () => void;
  getHistory(
    componentRef: string,
    environment: string,
  ): Promise<DeploymentRevision[]>;
  getDrift(componentRef: string, environment: string): Promise<DriftedField[]>;
  deploy(componentRef: string, request: DeployRequest): Promise<DeployOutcome>;
  promote(
    componentRef: string,
    request: PromoteRequest,
  ): Promise<DeployOutcome>;
  rollback(
    componentRef: string,
    request: RollbackRequest,
  ): Promise<DeployOutcome>;
  /** `undefined` when the backend does not offer approvals (404). */
  listApprovals(query?: ApprovalQuery): Promise<ApprovalRequest[] | undefined>;
  approve(id: string, comment?: string): Promise<ApprovalRequest>;
  reject(id: string, comment?: string): Promise<ApprovalRequest>;
  /** The requester takes back a pending request (audited). */
  withdraw(id: string, comment?: string): Promise<ApprovalRequest>;
  /**
   * What the signed-in user may do with a component in one environment, and
   * the first failing reason of each action that is not allowed.
   */
  getComponentActions(
    componentRef: string,
    environment: string,
  ): Promise<Wire<ComponentActions>>;
  /** What the signed-in user may do with an environment, and why not. */
  getEnvironmentActions(name: string): Promise<Wire<EnvironmentActions>>;
  /** The promotion pipelines (order and each environment's target), of one system or all. */
  getPipelines(system?: string): Promise<Wire<PromotionPipeline>[]>;
  /** Rollout restart: a new revision with action `restart`. */
  restart(componentRef: string, environment: string): Promise<DeployResult>;
  /** Change the replicas (within the environment's quota). */
  scale(
    componentRef: string,
    environment: string,
    replicas: number,
  ): Promise<DeployResult>;
  /** Scale every component of a preview/development environment to zero. */
  pauseEnvironment(name: string): Promise<PauseResult>;
  /** Give every component back the replicas it had when paused. */
  resumeEnvironment(name: string): Promise<PauseResult>;
  cloneEnvironment(
    name: string,
    request: CloneEnvironmentRequest,
  ): Promise<CloneResult>;
  /** What a template run created (and teardown would remove). */
  getTeardownPlan(taskId: string): Promise<TeardownPlan>;
  /** All steps, or one (`step`: the id of a plan step) so a dialog can show each as it runs. */
  teardown(taskId: string, step?: string): Promise<TeardownResult>;
  /** `undefined` when there is no usage to read (404). */
  getEnvironmentUsage(name: string): Promise<EnvironmentUsage | undefined>;
  /** Usage of every environment (of one owner); `undefined` on 404. */
  listUsage(owner?: string): Promise<EnvironmentUsage[] | undefined>;
  listEnvironmentTypes(): Promise<EnvironmentTypeInfo[]>;
  getConfig(environment: string, component?: string): Promise<EffectiveConfig>;
  getConfigHistory(
    environment: string,
    component?: string,
  ): Promise<ConfigVersion[]>;
  setConfig(request: SetConfigRequest): Promise<ConfigChange>;
  /** Restores the values of an earlier version as a new version (`POST /config/rollback`). */
  rollbackConfig(request: ConfigRollbackRequest): Promise<ConfigChange>;
  listSecrets(environment: string, component: string): Promise<SecretKeyInfo[]>;
  /** The last lines of a component's containers in an environment (`GET /components/:ref/logs`). */
  getLogs(componentRef: string, query: LogQuery): Promise<LogsResponse>;
  /**
   * Follows the logs (server-sent events of `GET /components/:ref/logs?follow=true`);
   * returns a function that stops them (the request is aborted, so the
   * backend closes its cluster stream).
   */
  followLogs(
    componentRef: string,
    query: LogQuery,
    listener: LogStreamListener,
  ): () => void;
  /** The logs as a text file (`format=text`), read with the user's token. */
  downloadLogs(componentRef: string, query: LogQuery): Promise<Blob>;
  /** Kubernetes events, newest first (`GET .../cluster-events`). */
  getClusterEvents(scope: ClusterEventsScope): Promise<ClusterEventsResponse>;
  /** Live Kubernetes events (`watch=true`); returns a function that stops them. */
  watchClusterEvents(
    scope: ClusterEventsScope,
    listener: ClusterEventsListener,
  ): () => void;
}
