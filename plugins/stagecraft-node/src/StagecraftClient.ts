import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApprovalRequest,
  TeardownPlan,
  TeardownResult,
  ApplyManifestsRequest,
  ApplyManifestsResult,
  ClusterEventsResponse,
  LogQuery,
  LogsResponse,
  CreateEnvironmentRequest,
  DeleteEnvironmentRequest,
  DeployRequest,
  DeployResult,
  Environment,
  EnvironmentDeployment,
  HealthResponse,
  Origin,
  SetSecretResult,
  UpdateEnvironmentRequest,
  ConfigChange,
  PromoteRequest,
  RollbackRequest,
  SetConfigRequest,
} from '@stagecraft/backstage-plugin-stagecraft-common';

const enc = encodeURIComponent;

/** Options of every StagecraftClient call. @public */
export interface StagecraftRequestOptions {
  /**
   * Whose call this is. Scaffolder actions pass `ctx.getInitiatorCredentials()`
   * so the backend applies the initiating user's permissions and audits them.
   */
  credentials: BackstageCredentials;
}

/**
 * Calls the Stagecraft backend from other backend plugins (scaffolder actions,
 * catalog modules) on behalf of a user or service. Permission checks and audit
 * stay in the Stagecraft backend: this client never talks to a cluster.
 * @public
 */
export class StagecraftClient {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;

  constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
  }

  /** Configured clusters and whether each API server answers. */
  async getHealth(options: StagecraftRequestOptions): Promise<HealthResponse> {
    return this.get<HealthResponse>('/health', options);
  }

  /** Environments the caller may read. */
  async listEnvironments(
    options: StagecraftRequestOptions,
  ): Promise<Environment[]> {
    return this.items<Environment>('/environments', options);
  }

  async getEnvironment(
    name: string,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    return this.get<Environment>(`/environments/${enc(name)}`, options);
  }

  /** Creates (or, with the same spec, confirms) an environment. */
  async createEnvironment(
    request: CreateEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    return this.send<Environment>('POST', '/environments', request, options);
  }

  async updateEnvironment(
    name: string,
    request: UpdateEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    const path = `/environments/${enc(name)}`;
    return this.send<Environment>('PATCH', path, request, options);
  }

  /** Deletes an environment; production needs `confirm` equal to its name. */
  async deleteEnvironment(
    name: string,
    request: DeleteEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<void> {
    const path = `/environments/${enc(name)}`;
    await this.send<unknown>('DELETE', path, request, options);
  }

  /** Deploys (or dry-runs) a component to an environment. */
  async deploy(
    componentRef: string,
    request: DeployRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.change('deploy', componentRef, request, options);
  }

  /** Deploys the exact release running in `from` to the next environment. */
  async promote(
    componentRef: string,
    request: PromoteRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.change('promote', componentRef, request, options);
  }

  /** Redeploys an earlier release (default: the previous one). */
  async rollback(
    componentRef: string,
    request: RollbackRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.change('rollback', componentRef, request, options);
  }

  /** Sets (null removes) configuration keys of an environment or a component in it. */
  async setConfig(
    request: SetConfigRequest,
    options: StagecraftRequestOptions,
  ): Promise<ConfigChange> {
    return this.send<ConfigChange>('PUT', '/config', request, options);
  }

  /**
   * Writes one secret value (write-only: the answer carries key, version,
   * fingerprint and the API server's warnings, never the value).
   */
  async setSecret(
    request: {
      environment: string;
      component: string;
      key: string;
      value: string;
    },
    options: StagecraftRequestOptions,
  ): Promise<SetSecretResult> {
    return this.send<SetSecretResult>('PUT', '/secrets', request, options);
  }

  /**
   * The guarded apply: namespaced objects of allow-listed kinds into an
   * environment's namespace (the backend refuses everything else).
   */
  async applyManifests(
    environment: string,
    request: ApplyManifestsRequest,
    options: StagecraftRequestOptions,
  ): Promise<ApplyManifestsResult> {
    const path = `/environments/${enc(environment)}/apply`;
    return this.send<ApplyManifestsResult>('POST', path, request, options);
  }

  /**
   * Publishes the files of a generated repository to Stagecraft's local
   * sources (the offline publish target) and returns where the catalog reads
   * them from.
   */
  async publishSource(
    repo: string,
    request: { files: Record<string, string>; origin?: Origin },
    options: StagecraftRequestOptions,
  ): Promise<{ repo: string; files: string[]; baseUrl: string }> {
    const path = `/sources/${enc(repo)}`;
    const result = await this.send<{ repo: string; files: string[] }>(
      'PUT',
      path,
      request,
      options,
    );
    const external = await this.discovery.getExternalBaseUrl('stagecraft');
    return { ...result, baseUrl: `${external}${path}` };
  }

  /** One approval request (a protected deploy waiting for approvers). */
  async getApproval(
    id: string,
    options: StagecraftRequestOptions,
  ): Promise<ApprovalRequest> {
    return this.get<ApprovalRequest>(`/approvals/${enc(id)}`, options);
  }

  /** What a template run created (environments; deployments elsewhere). */
  async getTeardownPlan(
    taskId: string,
    options: StagecraftRequestOptions,
  ): Promise<TeardownPlan> {
    return this.get<TeardownPlan>(`/teardown/${enc(taskId)}`, options);
  }

  /**
   * Removes what a template run created: every step of the plan, or only
   * `step` (an id from the plan's `steps`) so a caller can report each one.
   */
  async teardown(
    taskId: string,
    options: StagecraftRequestOptions & { step?: string },
  ): Promise<TeardownResult> {
    const { step, ...rest } = options;
    const body = { confirm: true, ...(step && { step }) };
    return this.send<TeardownResult>(
      'POST',
      `/teardown/${enc(taskId)}`,
      body,
      rest,
    );
  }

  /** The component in every environment it is deployed in (status from the watch cache). */
  async getDeployments(
    componentRef: string,
    options: StagecraftRequestOptions,
  ): Promise<EnvironmentDeployment[]> {
    const path = `/components/${enc(componentRef)}/deployments`;
    return this.items<EnvironmentDeployment>(path, options);
  }

  /**
   * The last lines of a component's containers in an environment (every pod
   * of the current release, merged in time order, unless `pod` names one).
   * Not `follow`: a live stream is for browsers (server-sent events).
   */
  async getLogs(
    componentRef: string,
    query: Omit<LogQuery, 'follow'>,
    options: StagecraftRequestOptions,
  ): Promise<LogsResponse> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined) params.set(k, String(v));
    }
    const path = `/components/${enc(componentRef)}/logs?${params}`;
    return this.get<LogsResponse>(path, options);
  }

  /** Kubernetes events of a component's objects in an environment, newest first. */
  async getClusterEvents(
    componentRef: string,
    environment: string,
    options: StagecraftRequestOptions,
  ): Promise<ClusterEventsResponse> {
    const path = `/components/${enc(componentRef)}/cluster-events`;
    return this.get<ClusterEventsResponse>(
      `${path}?environment=${enc(environment)}`,
      options,
    );
  }

  /** Kubernetes events of an environment's namespace, newest first. */
  async getEnvironmentClusterEvents(
    name: string,
    options: StagecraftRequestOptions,
  ): Promise<ClusterEventsResponse> {
    const path = `/environments/${enc(name)}/cluster-events`;
    return this.get<ClusterEventsResponse>(path, options);
  }

  /** A deploy, promote or rollback of a component. */
  private change(
    verb: 'deploy' | 'promote' | 'rollback',
    componentRef: string,
    request: DeployRequest | PromoteRequest | RollbackRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    const path = `/components/${enc(componentRef)}/${verb}`;
    return this.send<DeployResult>('POST', path, request, options);
  }

  private get<T>(path: string, options: StagecraftRequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  /** The `items` of a list answer. */
  private async items<T>(
    path: string,
    options: StagecraftRequestOptions,
  ): Promise<T[]> {
    return (await this.get<{ items: T[] }>(path, options)).items;
  }

  private send<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    options: StagecraftRequestOptions,
  ): Promise<T> {
    return this.request<T>(method, path, { ...options, body });
  }

  private async request<T>(
    method: string,
    path: string,
    options: StagecraftRequestOptions & { body?: unknown },
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('stagecraft');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: 'stagecraft',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options.body !== undefined && {
          'Content-Type': 'application/json',
        }),
      },
      body:
        options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    if (!response.ok) {
      // the backend's own message names the field or the refusal; it is what
      // a task log or a caller needs, not "Request failed with 400"
      const error = await ResponseError.fromResponse(response);
      const reason = error.body?.error?.message;
      if (reason) error.message = `${reason} (HTTP ${response.status})`;
      throw error;
    }
    if (response.status === 204) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }
}
