import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApprovalRequest,
  CloneEnvironmentRequest,
  CloneResult,
  ConfigValue,
  ConfigVersion,
  DeploymentRevision,
  DeployRequest,
  DeployResult,
  EffectiveConfig,
  Environment,
  EnvironmentDeployment,
  EnvironmentUsage,
  HealthResponse,
  PauseResult,
  PendingResult,
  SecretKeyInfo,
  TeardownPlan,
  TeardownResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { readServerSentEvents } from './sse';

/** Body of `POST /components/:ref/promote`. @public */
export interface PromoteRequest {
  from: string;
  to?: string;
  dryRun?: boolean;
}

/** Body of `POST /components/:ref/rollback`. @public */
export interface RollbackRequest {
  environment: string;
  revision?: number;
  releaseId?: string;
  dryRun?: boolean;
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

/** What `PUT /config` answers. @public */
export interface ConfigChange {
  dryRun: boolean;
  version?: ConfigVersion;
  effective: EffectiveConfig;
  changes: Array<{ key: string; before?: ConfigValue; after?: ConfigValue }>;
}

/**
 * A resource provisioned in an environment (`GET /environments/:name/resources`).
 * Loosely typed: the endpoint is new, only `type` and `id` are relied upon.
 * @public
 */
export interface EnvironmentResource {
  type: string;
  id: string;
  [field: string]: unknown;
}

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

/** Callbacks of a live deployment status stream. @public */
export interface DeploymentStreamListener {
  onStatus(deployment: EnvironmentDeployment): void;
  /** An approval request changed (only when the backend streams `approval` events). */
  onApproval?(request: ApprovalRequest): void;
  /** The stream is connected (again). */
  onOpen?(): void;
  /** The stream broke; it reconnects by itself (with back-off). */
  onError?(error: Error): void;
}

/** What the Stagecraft UI asks the Stagecraft backend. @public */
export interface StagecraftApi {
  getHealth(): Promise<HealthResponse>;
  listEnvironments(): Promise<Environment[]>;
  getEnvironment(name: string): Promise<Environment>;
  extendEnvironment(name: string, ttl: string): Promise<Environment>;
  deleteEnvironment(name: string, confirm?: string): Promise<void>;
  /** `undefined` when the backend does not offer the endpoint (404). */
  getEnvironmentResources(
    name: string,
  ): Promise<EnvironmentResource[] | undefined>;
  getDeployments(componentRef: string): Promise<EnvironmentDeployment[]>;
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
  teardown(taskId: string): Promise<TeardownResult>;
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
  listSecrets(environment: string, component: string): Promise<SecretKeyInfo[]>;
}

/** @public */
export const stagecraftApiRef = createApiRef<StagecraftApi>({
  id: 'plugin.stagecraft.api',
});

const enc = encodeURIComponent;

function query(params: Record<string, string | undefined>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

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

  async getEnvironmentResources(
    name: string,
  ): Promise<EnvironmentResource[] | undefined> {
    try {
      const body = await this.request<
        { items: EnvironmentResource[] } | EnvironmentResource[]
      >('GET', `/environments/${enc(name)}/resources`);
      return Array.isArray(body) ? body : body.items ?? [];
    } catch (e) {
      if ((e as ResponseError).response?.status === 404) return undefined;
      throw e;
    }
  }

  async getDeployments(componentRef: string): Promise<EnvironmentDeployment[]> {
    return (
      await this.request<{ items: EnvironmentDeployment[] }>(
        'GET',
        `/components/${enc(componentRef)}/deployments`,
      )
    ).items;
  }

  watchDeployments(
    componentRef: string,
    listener: DeploymentStreamListener,
  ): () => void {
    const controller = new AbortController();
    let attempt = 0;
    const connect = async (): Promise<void> => {
      const baseUrl = await this.deps.discoveryApi.getBaseUrl('stagecraft');
      const response = await this.deps.fetchApi.fetch(
        `${baseUrl}/components/${enc(componentRef)}/events`,
        {
          headers: { Accept: 'text/event-stream' },
          signal: controller.signal,
        },
      );
      if (!response.ok) throw await ResponseError.fromResponse(response);
      if (!response.body) throw new Error('The event stream has no body');
      attempt = 0;
      listener.onOpen?.();
      await readServerSentEvents(response.body, event => {
        if (event.event === 'status') {
          listener.onStatus(JSON.parse(event.data) as EnvironmentDeployment);
        } else if (event.event === 'approval') {
          listener.onApproval?.(JSON.parse(event.data) as ApprovalRequest);
        }
      });
      throw new Error('The event stream ended');
    };
    const loop = async () => {
      while (!controller.signal.aborted) {
        try {
          await connect();
        } catch (e) {
          if (controller.signal.aborted) return;
          listener.onError?.(e as Error);
          // a 4xx will not heal by itself: stop instead of hammering the backend
          const status = (e as ResponseError).response?.status;
          if (status && status >= 400 && status < 500) return;
          attempt += 1;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
          await new Promise(r => setTimeout(r, delay));
        }
      }
    };
    loop();
    return () => controller.abort();
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
    const qs = query({
      component: q.component,
      environment: q.environment,
      state: q.state,
    });
    return this.optional(
      async () =>
        (
          await this.request<{ items: ApprovalRequest[] }>(
            'GET',
            `/approvals${qs ? `?${qs}` : ''}`,
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

  async teardown(taskId: string): Promise<TeardownResult> {
    return this.request<TeardownResult>('POST', `/teardown/${enc(taskId)}`, {
      confirm: true,
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
    const qs = query({ owner });
    return this.optional(
      async () =>
        (
          await this.request<{ items: EnvironmentUsage[] }>(
            'GET',
            `/usage${qs ? `?${qs}` : ''}`,
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

  /** `undefined` instead of a 404 (an endpoint or object that is not there). */
  private async optional<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      if ((e as ResponseError).response?.status === 404) return undefined;
      throw e;
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('stagecraft');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    // 202 carries a body too (a pending approval), or none (a deletion under way)
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
