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
  SecretKeyInfo,
  UpdateEnvironmentRequest,
  ConfigChange,
  PromoteRequest,
  RollbackRequest,
  SetConfigRequest,
} from '@stagecraft/backstage-plugin-stagecraft-common';

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
    return this.request<HealthResponse>('GET', '/health', options);
  }

  /** Environments the caller may read. */
  async listEnvironments(
    options: StagecraftRequestOptions,
  ): Promise<Environment[]> {
    const body = await this.request<{ items: Environment[] }>(
      'GET',
      '/environments',
      options,
    );
    return body.items;
  }

  async getEnvironment(
    name: string,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    return this.request<Environment>(
      'GET',
      `/environments/${encodeURIComponent(name)}`,
      options,
    );
  }

  /** Creates (or, with the same spec, confirms) an environment. */
  async createEnvironment(
    request: CreateEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    return this.request<Environment>('POST', '/environments', {
      ...options,
      body: request,
    });
  }

  async updateEnvironment(
    name: string,
    request: UpdateEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<Environment> {
    return this.request<Environment>(
      'PATCH',
      `/environments/${encodeURIComponent(name)}`,
      {
        ...options,
        body: request,
      },
    );
  }

  /** Deletes an environment; production needs `confirm` equal to its name. */
  async deleteEnvironment(
    name: string,
    request: DeleteEnvironmentRequest,
    options: StagecraftRequestOptions,
  ): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      `/environments/${encodeURIComponent(name)}`,
      {
        ...options,
        body: request,
      },
    );
  }

  /** Deploys (or dry-runs) a component to an environment. */
  async deploy(
    componentRef: string,
    request: DeployRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${encodeURIComponent(componentRef)}/deploy`,
      { ...options, body: request },
    );
  }

  /** Deploys the exact release running in `from` to the next environment. */
  async promote(
    componentRef: string,
    request: PromoteRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${encodeURIComponent(componentRef)}/promote`,
      { ...options, body: request },
    );
  }

  /** Redeploys an earlier release (default: the previous one). */
  async rollback(
    componentRef: string,
    request: RollbackRequest,
    options: StagecraftRequestOptions,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${encodeURIComponent(componentRef)}/rollback`,
      { ...options, body: request },
    );
  }

  /** Sets (null removes) configuration keys of an environment or a component in it. */
  async setConfig(
    request: SetConfigRequest,
    options: StagecraftRequestOptions,
  ): Promise<ConfigChange> {
    return this.request('PUT', '/config', { ...options, body: request });
  }

  /** Writes one secret value (write-only: the answer carries key, version and fingerprint). */
  async setSecret(
    request: {
      environment: string;
      component: string;
      key: string;
      value: string;
    },
    options: StagecraftRequestOptions,
  ): Promise<SecretKeyInfo> {
    return this.request<SecretKeyInfo>('PUT', '/secrets', {
      ...options,
      body: request,
    });
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
    return this.request<ApplyManifestsResult>(
      'POST',
      `/environments/${encodeURIComponent(environment)}/apply`,
      { ...options, body: request },
    );
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
    const result = await this.request<{ repo: string; files: string[] }>(
      'PUT',
      `/sources/${encodeURIComponent(repo)}`,
      { ...options, body: request },
    );
    const external = await this.discovery.getExternalBaseUrl('stagecraft');
    return {
      ...result,
      baseUrl: `${external}/sources/${encodeURIComponent(repo)}`,
    };
  }

  /** One approval request (a protected deploy waiting for approvers). */
  async getApproval(
    id: string,
    options: StagecraftRequestOptions,
  ): Promise<ApprovalRequest> {
    return this.request<ApprovalRequest>(
      'GET',
      `/approvals/${encodeURIComponent(id)}`,
      options,
    );
  }

  /** What a template run created (environments; deployments elsewhere). */
  async getTeardownPlan(
    taskId: string,
    options: StagecraftRequestOptions,
  ): Promise<TeardownPlan> {
    return this.request<TeardownPlan>(
      'GET',
      `/teardown/${encodeURIComponent(taskId)}`,
      options,
    );
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
    return this.request<TeardownResult>(
      'POST',
      `/teardown/${encodeURIComponent(taskId)}`,
      { ...rest, body: { confirm: true, ...(step && { step }) } },
    );
  }

  /** The component in every environment it is deployed in (status from the watch cache). */
  async getDeployments(
    componentRef: string,
    options: StagecraftRequestOptions,
  ): Promise<EnvironmentDeployment[]> {
    const body = await this.request<{ items: EnvironmentDeployment[] }>(
      'GET',
      `/components/${encodeURIComponent(componentRef)}/deployments`,
      options,
    );
    return body.items;
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
    return this.request<LogsResponse>(
      'GET',
      `/components/${encodeURIComponent(componentRef)}/logs?${params}`,
      options,
    );
  }

  /** Kubernetes events of a component's objects in an environment, newest first. */
  async getClusterEvents(
    componentRef: string,
    environment: string,
    options: StagecraftRequestOptions,
  ): Promise<ClusterEventsResponse> {
    return this.request<ClusterEventsResponse>(
      'GET',
      `/components/${encodeURIComponent(
        componentRef,
      )}/cluster-events?environment=${encodeURIComponent(environment)}`,
      options,
    );
  }

  /** Kubernetes events of an environment's namespace, newest first. */
  async getEnvironmentClusterEvents(
    name: string,
    options: StagecraftRequestOptions,
  ): Promise<ClusterEventsResponse> {
    return this.request<ClusterEventsResponse>(
      'GET',
      `/environments/${encodeURIComponent(name)}/cluster-events`,
      options,
    );
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
