import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { HealthResponse } from '@stagecraft/backstage-plugin-stagecraft-common';

/** What the Stagecraft UI asks the Stagecraft backend. @public */
export interface StagecraftApi {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const stagecraftApiRef = createApiRef<StagecraftApi>({
  id: 'plugin.stagecraft.api',
});

/** Calls the Stagecraft backend with the signed-in user's token (fetchApi). @public */
export class StagecraftClient implements StagecraftApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getHealth(): Promise<HealthResponse> {
    return this.get<HealthResponse>('/health');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('stagecraft');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
