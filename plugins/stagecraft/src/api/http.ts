import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** `undefined` instead of a 404 (an endpoint or object that is not there). */
export async function orUndefinedOn404<T>(
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if ((e as ResponseError).response?.status === 404) return undefined;
    throw e;
  }
}

/**
 * One JSON request to the Stagecraft backend with the signed-in user's
 * token (fetchApi); a failed answer is thrown as a ResponseError.
 */
export async function send<T>(
  deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const baseUrl = await deps.discoveryApi.getBaseUrl('stagecraft');
  const response = await deps.fetchApi.fetch(`${baseUrl}${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  const { status } = response;
  if (status === 204) return { status, body: undefined as T };
  // 202 carries a body too (a pending approval), or none (a deletion under way)
  const text = await response.text();
  return { status, body: (text ? JSON.parse(text) : undefined) as T };
}
