import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type * as contract from '@stagecraft/backstage-plugin-stagecraft-common';
import { readEventStream, watchEventStream } from './streams';
import type {
  ClusterEventsListener,
  ClusterEventsScope,
  DeploymentStreamListener,
  DeployOutcome,
  EnvironmentResource,
  LogStreamListener,
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

  async getHealth(): Promise<contract.HealthResponse> {
    return this.get<contract.HealthResponse>('/health');
  }

  async listEnvironments(): Promise<contract.Environment[]> {
    return this.items<contract.Environment>('/environments');
  }

  async getEnvironment(name: string): Promise<contract.Environment> {
    return this.get<contract.Environment>(`/environments/${enc(name)}`);
  }

  async extendEnvironment(
    name: string,
    ttl: string,
  ): Promise<contract.Environment> {
    return this.post<contract.Environment>(
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

  async provisionEnvironment(name: string): Promise<contract.ProvisionResult> {
    const { status, body } = await send<contract.Environment>(
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
      const body = await this.get<
        { items: EnvironmentResource[] } | EnvironmentResource[]
      >(`/environments/${enc(name)}/resources`);
      return Array.isArray(body) ? body : body.items ?? [];
    });
  }

  async getDeployments(componentRef: string): Promise<WireDeployment[]> {
    const body = await this.get<{ items?: WireDeployment[] } | undefined>(
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
          listener.onApproval?.(
            JSON.parse(event.data) as contract.ApprovalRequest,
          );
        }
      },
      listener,
    );
  }

  async getHistory(
    componentRef: string,
    environment: string,
  ): Promise<contract.DeploymentRevision[]> {
    return this.items<contract.DeploymentRevision>(
      `/components/${enc(componentRef)}/history?${query({ environment })}`,
    );
  }

  async getDrift(
    componentRef: string,
    environment: string,
  ): Promise<contract.DriftedField[]> {
    return this.items<contract.DriftedField>(
      `/components/${enc(componentRef)}/drift?${query({ environment })}`,
    );
  }

  async deploy(
    componentRef: string,
    request: contract.DeployRequest,
  ): Promise<DeployOutcome> {
    return this.change<DeployOutcome>('deploy', componentRef, request);
  }

  async promote(
    componentRef: string,
    request: contract.PromoteRequest,
  ): Promise<DeployOutcome> {
    return this.change<DeployOutcome>('promote', componentRef, request);
  }

  async rollback(
    componentRef: string,
    request: contract.RollbackRequest,
  ): Promise<DeployOutcome> {
    return this.change<DeployOutcome>('rollback', componentRef, request);
  }

  async listApprovals(
    q: contract.ApprovalQuery = {},
  ): Promise<contract.ApprovalRequest[] | undefined> {
    return this.optional(() =>
      this.items<contract.ApprovalRequest>(
        withQuery('/approvals', {
          component: q.component,
          environment: q.environment,
          state: q.state,
        }),
      ),
    );
  }

  async approve(
    id: string,
    comment?: string,
  ): Promise<contract.ApprovalRequest> {
    return this.decide(id, 'approve', comment);
  }

  async reject(
    id: string,
    comment?: string,
  ): Promise<contract.ApprovalRequest> {
    return this.decide(id, 'reject', comment);
  }

  async withdraw(
    id: string,
    comment?: string,
  ): Promise<contract.ApprovalRequest> {
    return this.decide(id, 'withdraw', comment);
  }

  async getComponentActions(
    componentRef: string,
    environment: string,
  ): Promise<Wire<contract.ComponentActions>> {
    return this.get<Wire<contract.ComponentActions>>(
      `/components/${enc(componentRef)}/actions?${query({ environment })}`,
    );
  }

  async getEnvironmentActions(
    name: string,
  ): Promise<Wire<contract.EnvironmentActions>> {
    return this.get<Wire<contract.EnvironmentActions>>(
      `/environments/${enc(name)}/actions`,
    );
  }

  async getPipelines(
    system?: string,
  ): Promise<Wire<contract.PromotionPipeline>[]> {
    const body = await this.get<{ items?: Wire<contract.PromotionPipeline>[] }>(
      withQuery('/pipeline', { system }),
    );
    return Array.isArray(body?.items) ? body.items : [];
  }

  async restart(
    componentRef: string,
    environment: string,
  ): Promise<contract.DeployResult> {
    return this.change<contract.DeployResult>('restart', componentRef, {
      environment,
    });
  }

  async scale(
    componentRef: string,
    environment: string,
    replicas: number,
  ): Promise<contract.DeployResult> {
    return this.change<contract.DeployResult>('scale', componentRef, {
      environment,
      replicas,
    });
  }

  async pauseEnvironment(name: string): Promise<contract.PauseResult> {
    return this.post<contract.PauseResult>(`/environments/${enc(name)}/pause`);
  }

  async resumeEnvironment(name: string): Promise<contract.PauseResult> {
    return this.post<contract.PauseResult>(`/environments/${enc(name)}/resume`);
  }

  async cloneEnvironment(
    name: string,
    request: contract.CloneEnvironmentRequest,
  ): Promise<contract.CloneResult> {
    return this.post<contract.CloneResult>(
      `/environments/${enc(name)}/clone`,
      request,
    );
  }

  async getTeardownPlan(taskId: string): Promise<contract.TeardownPlan> {
    return this.get<contract.TeardownPlan>(`/teardown/${enc(taskId)}`);
  }

  async teardown(
    taskId: string,
    step?: string,
  ): Promise<contract.TeardownResult> {
    return this.post<contract.TeardownResult>(`/teardown/${enc(taskId)}`, {
      confirm: true,
      ...(step !== undefined && { step }),
    });
  }

  async getEnvironmentUsage(
    name: string,
  ): Promise<contract.EnvironmentUsage | undefined> {
    return this.optional(() =>
      this.get<contract.EnvironmentUsage>(`/environments/${enc(name)}/usage`),
    );
  }

  async listUsage(
    owner?: string,
  ): Promise<contract.EnvironmentUsage[] | undefined> {
    return this.optional(() =>
      this.items<contract.EnvironmentUsage>(withQuery('/usage', { owner })),
    );
  }

  async listEnvironmentTypes(): Promise<contract.EnvironmentTypeInfo[]> {
    return this.items<contract.EnvironmentTypeInfo>('/environment-types');
  }

  async getConfig(
    environment: string,
    component?: string,
  ): Promise<contract.EffectiveConfig> {
    return this.get<contract.EffectiveConfig>(
      `/config?${query({ environment, component })}`,
    );
  }

  async getConfigHistory(
    environment: string,
    component?: string,
  ): Promise<contract.ConfigVersion[]> {
    return this.items<contract.ConfigVersion>(
      `/config/history?${query({ environment, component })}`,
    );
  }

  async setConfig(
    request: contract.SetConfigRequest,
  ): Promise<contract.ConfigChange> {
    return this.request<contract.ConfigChange>('PUT', '/config', request);
  }

  async rollbackConfig(
    request: contract.ConfigRollbackRequest,
  ): Promise<contract.ConfigChange> {
    return this.post<contract.ConfigChange>('/config/rollback', request);
  }

  async listSecrets(
    environment: string,
    component: string,
  ): Promise<contract.SecretKeyInfo[]> {
    return this.items<contract.SecretKeyInfo>(
      `/secrets?${query({ environment, component })}`,
    );
  }

  async getLogs(
    componentRef: string,
    q: contract.LogQuery,
  ): Promise<contract.LogsResponse> {
    const body = await this.get<Partial<contract.LogsResponse> | undefined>(
      `/components/${enc(componentRef)}/logs?${query(logParams(q))}`,
    );
    return {
      pods: Array.isArray(body?.pods) ? body!.pods : [],
      lines: Array.isArray(body?.lines) ? body!.lines : [],
    };
  }

  followLogs(
    componentRef: string,
    q: contract.LogQuery,
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
        } as contract.LogStreamEvent);
      },
      listener,
    );
  }

  async downloadLogs(
    componentRef: string,
    q: contract.LogQuery,
  ): Promise<Blob> {
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
  ): Promise<contract.ClusterEventsResponse> {
    const body = await this.get<Partial<contract.ClusterEventsResponse>>(
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
        const body = JSON.parse(
          event.data,
        ) as Partial<contract.ClusterEventsResponse>;
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

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** The `items` of a list answer. */
  private async items<T>(path: string): Promise<T[]> {
    return (await this.get<{ items: T[] }>(path)).items;
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A change of a component's workload: deploy, promote, rollback, restart, scale. */
  private change<T>(verb: string, componentRef: string, body: unknown) {
    return this.post<T>(`/components/${enc(componentRef)}/${verb}`, body);
  }

  /** A decision on an approval request. */
  private decide(
    id: string,
    verb: 'approve' | 'reject' | 'withdraw',
    comment?: string,
  ): Promise<contract.ApprovalRequest> {
    return this.post(
      `/approvals/${enc(id)}/${verb}`,
      comment ? { comment } : {},
    );
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    return (await send<T>(this.deps, method, path, body)).body;
  }
}
