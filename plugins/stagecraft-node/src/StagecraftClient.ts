import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { HealthResponse } from '@stagecraft/backstage-plugin-stagecraft-common';

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
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
