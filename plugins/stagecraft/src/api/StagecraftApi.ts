import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ConfigValue,
  ConfigVersion,
  DeploymentRevision,
  DeployRequest,
  DeployResult,
  EffectiveConfig,
  Environment,
  EnvironmentDeployment,
  HealthResponse,
  SecretKeyInfo,
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

/** Callbacks of a live deployment status stream. @public */
export interface DeploymentStreamListener {
  onStatus(deployment: EnvironmentDeployment): void;
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
  deploy(componentRef: string, request: DeployRequest): Promise<DeployResult>;
  promote(componentRef: string, request: PromoteRequest): Promise<DeployResult>;
  rollback(
    componentRef: string,
    request: RollbackRequest,
  ): Promise<DeployResult>;
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
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${enc(componentRef)}/deploy`,
      request,
    );
  }

  async promote(
    componentRef: string,
    request: PromoteRequest,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${enc(componentRef)}/promote`,
      request,
    );
  }

  async rollback(
    componentRef: string,
    request: RollbackRequest,
  ): Promise<DeployResult> {
    return this.request<DeployResult>(
      'POST',
      `/components/${enc(componentRef)}/rollback`,
      request,
    );
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
    if (response.status === 204 || response.status === 202) {
      return undefined as T;
    }
    return (await response.json()) as T;
  }
}
