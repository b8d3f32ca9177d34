import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApprovalRequest,
  CloneEnvironmentRequest,
  CloneResult,
  ComponentActions,
  ConfigVersion,
  DeploymentRevision,
  DeployRequest,
  DeployResult,
  EffectiveConfig,
  Environment,
  EnvironmentActions,
  EnvironmentUsage,
  HealthResponse,
  PauseResult,
  PromotionPipeline,
  SecretKeyInfo,
  TeardownPlan,
  TeardownResult,
  ClusterEventsResponse,
  LogQuery,
  LogsResponse,
  LogStreamEvent,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { readEventStream, watchEventStream } from './streams';
import type {
  ApprovalQuery,
  ClusterEventsListener,
  ClusterEventsScope,
  LogStreamListener,
  ConfigChange,
  ConfigRollbackRequest,
  DeployOutcome,
  DeploymentStreamListener,
  DriftedField,
  EnvironmentResource,
  EnvironmentTypeInfo,
  PromoteRequest,
  ProvisionResult,
  RollbackRequest,
  SetConfigRequest,
  StagecraftApi,
} from './types';
import type { Wire, WireDeployment } from './wire';
import {
  enc,
  eventsPath,
  LOG_EVENTS,
  logParams,
  query,
  withQuery,
} from './requestPaths';
import { orUndefinedOn404, send } from './http';

/** Calls the Stagecraft backend with the signed-in user's token (fetchApi). @public */
export class StagecraftClient implements StagecraftApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getHealth(): Promise<HealthResponse> {
    return this.request<HealthResponse>('GET', '/health');
  }

  async listEnvironments(): Promise<Environment[]> {
    return (
      await this.request<{ items: Environment[] }>('GET', '/environments')
    ).items;
  }

  async getEnvironment(name: string): Promise<Environment> {
    return this.request<Environment>('GET', `/environments/${enc(name)}`);
  }

  async extendEnvironment(name: string, ttl: string): Promise<Environment> {
    return this.request<Environment>(
      'POST',
      `/environments/${enc(name)}/extend`,
      { ttl },
    );
  }

  async deleteEnvironment(name: string, confirm?: string): Promise<void> {
    await this.request<void>(
      'DELETE',
      `/environments/${enc(name)}?wait=false`,
      confirm ? { confirm } : {},
    );
  }

  async provisionEnvironment(name: string): Promise<ProvisionResult> {
    const { status, body } = await send<Environment>(
      this.deps,
      'POST',
      `/environments/${enc(name)}/provision`,
    );
    return { environment: body, created: status === 201 };
  }

  async getEnvironmentResources(
    name: string,
  ): Promise<EnvironmentResource[] | undefined> {
    return this.optional(async () => {
      const body = await this.request<
        { items: EnvironmentResource[] } | EnvironmentResource[]
      >('GET', `/environments/${enc(name)}/resources`);
      return Array.isArray(body) ? body : body.items ?? [];
    });
  }

  async getDeployments(componentRef: string): Promise<WireDeployment[]> {
    const body = await this.request<{ items?: WireDeployment[] } | undefined>(
      'GET',
      `/components/${enc(componentRef)}/deployments`,
    );
    return Array.isArray(body?.items) ? body!.items : [];
  }

  watchDeployments(
    componentRef: string,
    listener: DeploymentStreamListener,
  ): () => void {
    return watchEventStream(
      this.deps,
      `/components/${enc(componentRef)}/events`,
      event => {
        if (event.event === 'status') {
          listener.onStatus(JSON.parse(event.data) as WireDeployment);
        } else if (event.event === 'approval') {
          listener.onApproval?.(JSON.parse(event.data) as ApprovalRequest);
        }
      },
      listener,
    );
  }

  async getHistory(
    componentRef: string,
    environment: string,
  ): Promise<DeploymentRevision[]> {
    return (
      await this.request<{ items: DeploymentRevision[] }>(
        'GET',
        `/components/${enc(componentRef)}/history?${query({ environment })}`,
      )
    ).items;
  }

  async getDrift(
    componentRef: string,
    environment: string,
  ): Promise<DriftedField[]> {
    return (
      await this.request<{ items: DriftedField[] }>(
        'GET',
        `/components/${enc(componentRef)}/drift?${query({ environment })}`,
      )
    ).items;
  }

  async deploy(
    componentRef: string,
    request: DeployRequest,
  ): Promise<DeployOutcome> {
    return this.request<DeployOutcome>(
      'POST',
      `/components/${enc(componentRef)}/deploy`,
      request,
    );
  }

  async promote(
    componentRef: string,
    request: PromoteRequest,
  ): Promise<DeployOutcome> {
    return this.request<DeployOutcome>(
      'POST',
      `/components/${enc(componentRef)}/promote`,
      request,
    );
  }

  async rollback(
    componentRef: string,
    request: RollbackRequest,
  ): Promise<DeployOutcome> {
    return this.request<DeployOutcome>(
      'POST',
      `/components/${enc(componentRef)}/rollback`,
      request,
    );
  }

  async listApprovals(
    q: ApprovalQuery = {},
  ): Promise<ApprovalRequest[] | undefined> {
    return this.optional(
      async () =>
        (
          await this.request<{ items: ApprovalRequest[] }>(
            'GET',
            withQuery('/approvals', {
              component: q.component,
              environment: q.environment,
              state: q.state,
            }),
          )
        ).items,
    );
  }

  async approve(id: string, comment?: string): Promise<ApprovalRequest> {
    return this.request<ApprovalRequest>(
      'POST',
      `/approvals/${enc(id)}/approve`,
      comment ? { comment } : {},
    );
  }

  async reject(id: string, comment?: string): Promise<ApprovalRequest> {
    return this.request<ApprovalRequest>(
      'POST',
      `/approvals/${enc(id)}/reject`,
      comment ? { comment } : {},
    );
  }

  async withdraw(id: string, comment?: string): Promise<ApprovalRequest> {
    return this.request<ApprovalRequest>(
      'POST',
      `/approvals/${enc(id)}/withdraw`,
      comment ? { comment } : {},
    );
  }

  async getComponentActions(
    componentRef: string,
    environment: string,
  ): Promise<Wire<ComponentActions>> {
    return this.request<Wire<ComponentActions>>(
      'GET',
      `/components/${enc(componentRef)}/actions?${query({ environment })}`,
    );
  }

  async getEnvironmentActions(name: string): Promise<Wire<EnvironmentActions>> {
    return this.request<Wire<EnvironmentActions>>(
      'GET',
      `/environments/${enc(name)}/actions`,
    );
  }

  async getPipelines(system?: string): Promise<Wire<PromotionPipeline>[]> {
    const body = await this.request<{ items?: Wire<PromotionPipeline>[] }>(
      'GET',
      withQuery('/pipeline', { system }),
    );
    return Array.isArray(body?.items) ? body.items : [];
  }

  async restart(
    componentRef: string,
    environment: string,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${enc(componentRef)}/restart`,
      { environment },
    );
  }

  async scale(
    componentRef: string,
    environment: string,
    replicas: number,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${enc(componentRef)}/scale`,
      { environment, replicas },
    );
  }

  async pauseEnvironment(name: string): Promise<PauseResult> {
    return this.request<PauseResult>(
      'POST',
      `/environments/${enc(name)}/pause`,
    );
  }

  async resumeEnvironment(name: string): Promise<PauseResult> {
    return this.request<PauseResult>(
      'POST',
      `/environments/${enc(name)}/resume`,
    );
  }

  async cloneEnvironment(
    name: string,
    request: CloneEnvironmentRequest,
  ): Promise<CloneResult> {
    return this.request<CloneResult>(
      'POST',
      `/environments/${enc(name)}/clone`,
      request,
    );
  }

  async getTeardownPlan(taskId: string): Promise<TeardownPlan> {
    return this.request<TeardownPlan>('GET', `/teardown/${enc(taskId)}`);
  }

  async teardown(taskId: string, step?: string): Promise<TeardownResult> {
    return this.request<TeardownResult>('POST', `/teardown/${enc(taskId)}`, {
      confirm: true,
      ...(step !== undefined && { step }),
    });
  }

  async getEnvironmentUsage(
    name: string,
  ): Promise<EnvironmentUsage | undefined> {
    return this.optional(() =>
      this.request<EnvironmentUsage>('GET', `/environments/${enc(name)}/usage`),
    );
  }

  async listUsage(owner?: string): Promise<EnvironmentUsage[] | undefined> {
    return this.optional(
      async () =>
        (
          await this.request<{ items: EnvironmentUsage[] }>(
            'GET',
            withQuery('/usage', { owner }),
          )
        ).items,
    );
  }

  async listEnvironmentTypes(): Promise<EnvironmentTypeInfo[]> {
    return (
      await this.request<{ items: EnvironmentTypeInfo[] }>(
        'GET',
        '/environment-types',
      )
    ).items;
  }

  async getConfig(
    environment: string,
    component?: string,
  ): Promise<EffectiveConfig> {
    return this.request<EffectiveConfig>(
      'GET',
      `/config?${query({ environment, component })}`,
    );
  }

  async getConfigHistory(
    environment: string,
    component?: string,
  ): Promise<ConfigVersion[]> {
    return (
      await this.request<{ items: ConfigVersion[] }>(
        'GET',
        `/config/history?${query({ environment, component })}`,
      )
    ).items;
  }

  async setConfig(request: SetConfigRequest): Promise<ConfigChange> {
    return this.request<ConfigChange>('PUT', '/config', request);
  }

  async rollbackConfig(request: ConfigRollbackRequest): Promise<ConfigChange> {
    return this.request<ConfigChange>('POST', '/config/rollback', request);
  }

  async listSecrets(
    environment: string,
    component: string,
  ): Promise<SecretKeyInfo[]> {
    return (
      await this.request<{ items: SecretKeyInfo[] }>(
        'GET',
        `/secrets?${query({ environment, component })}`,
      )
    ).items;
  }

  async getLogs(componentRef: string, q: LogQuery): Promise<LogsResponse> {
    const body = await this.request<Partial<LogsResponse> | undefined>(
      'GET',
      `/components/${enc(componentRef)}/logs?${query(logParams(q))}`,
    );
    return {
      pods: Array.isArray(body?.pods) ? body!.pods : [],
      lines: Array.isArray(body?.lines) ? body!.lines : [],
    };
  }

  followLogs(
    componentRef: string,
    q: LogQuery,
    listener: LogStreamListener,
  ): () => void {
    const path = `/components/${enc(componentRef)}/logs?${query({
      ...logParams(q),
      follow: 'true',
    })}`;
    return readEventStream(
      this.deps,
      path,
      event => {
        if (!LOG_EVENTS.has(event.event)) return;
        listener.onEvent({
          type: event.event,
          ...JSON.parse(event.data),
        } as LogStreamEvent);
      },
      listener,
    );
  }

  async downloadLogs(componentRef: string, q: LogQuery): Promise<Blob> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('stagecraft');
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}/components/${enc(componentRef)}/logs?${query({
        ...logParams(q),
        format: 'text',
      })}`,
      { headers: { Accept: 'text/plain' } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.blob();
  }

  async getClusterEvents(
    scope: ClusterEventsScope,
  ): Promise<ClusterEventsResponse> {
    const body = await this.request<Partial<ClusterEventsResponse>>(
      'GET',
      eventsPath(scope, false),
    );
    return { items: Array.isArray(body?.items) ? body.items : [] };
  }

  watchClusterEvents(
    scope: ClusterEventsScope,
    listener: ClusterEventsListener,
  ): () => void {
    return watchEventStream(
      this.deps,
      eventsPath(scope, true),
      event => {
        if (event.event !== 'events') return;
        const body = JSON.parse(event.data) as Partial<ClusterEventsResponse>;
        listener.onEvents({
          items: Array.isArray(body?.items) ? body.items : [],
        });
      },
      listener,
    );
  }

  /** `undefined` instead of a 404 (an endpoint or object that is not there). */
  private optional<T>(read: () => Promise<T>): Promise<T | undefined> {
    return orUndefinedOn404(read);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    return (await send<T>(this.deps, method, path, body)).body;
  }
}
