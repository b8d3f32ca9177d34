import { ApiException } from '@kubernetes/client-node';
import {
  ServiceUnavailableError,
  ConflictError,
  NotAllowedError,
} from '../domain/errors';

/** Never let a URL with credentials or a token echo back in an error. */
export function describeError(e: unknown): string {
  const err = e as {
    code?: number | string;
    message?: string;
    cause?: { code?: string };
  };
  const code = err.cause?.code ?? err.code;
  const message = String(err.message ?? e)
    .replace(/Bearer\s+\S+/gi, 'Bearer ***')
    .split('\n')[0];
  return code && !message.includes(String(code))
    ? `${code}: ${message}`
    : message;
}

/** The API server's own message of a failed call (its Status body), if any. */
function statusMessage(e: ApiException<unknown>): string {
  try {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    if (body && typeof body === 'object' && 'message' in body) {
      return String((body as { message: unknown }).message);
    }
  } catch {
    // not JSON
  }
  return describeError(e);
}

/** What a cluster that refuses Stagecraft's credentials (401) is shown as, on /health, the pages and in errors. */
export function credentialsRefused(cluster: string): string {
  return `cluster ${cluster}: credentials refused (401 Unauthorized) — Stagecraft's identity on it is expired, revoked or not valid for this cluster; renew it (see docs/cluster-access.md)`;
}

/**
 * Why the watch cache cannot read a cluster now (its last failed LIST or
 * WATCH), in the words of the pages: a refused credential (401), a
 * forbidden read (403: the RBAC manifest is missing), or unavailable.
 */
export function watchFailure(cluster: string, e: unknown): string {
  const status = (e as { statusCode?: number; code?: unknown } | undefined)
    ?.statusCode;
  if (status === 401) return credentialsRefused(cluster);
  if (status === 403) {
    return `cluster ${cluster}: Stagecraft's identity may not watch its workloads (403 Forbidden) — apply docs/manifests/stagecraft-rbac.yaml to the identity it uses`;
  }
  return `cluster ${cluster} unavailable: ${describeError(e)}`;
}

/** The API server's RBAC answer: `… cannot create resource "namespaces" in API group …`. */
const RBAC_REFUSAL = /\bcannot [a-z]+ resource "/;

/**
 * Maps client errors to domain errors: 409 → ConflictError (with the managers
 * the API server names), 403 → NotAllowedError (an RBAC refusal of
 * Stagecraft's identity → ServiceUnavailableError), 400/422 → InputError, 401 →
 * ServiceUnavailableError saying the credential was refused, anything
 * else (no HTTP answer, 5xx) → ServiceUnavailableError naming the cluster.
 */
export function toDomainError(cluster: string, e: unknown): Error {
  if (e instanceof ApiException) {
    const message = `cluster ${cluster}: ${statusMessage(e)}`;
    if (e.code === 409) return new ConflictError(message);
    // RBAC refusing Stagecraft's own identity (missing grants, or an API
    // server whose authorizer is not warm after a restart) is not the
    // user's lack of permission: Backstage already allowed the request
    if (e.code === 403 && RBAC_REFUSAL.test(message)) {
      return new ServiceUnavailableError(
        `${message} — Stagecraft's identity on cluster ${cluster} was refused; if the API server just restarted, ask again, otherwise apply docs/manifests/stagecraft-rbac.yaml to it`,
      );
    }
    // admission (quota, Pod Security, admission policies) refusing the change
    if (e.code === 403) return new NotAllowedError(message);
    if (e.code === 401) {
      return new ServiceUnavailableError(credentialsRefused(cluster));
    }
    if (e.code === 422 || e.code === 400) {
      const err = new Error(message);
      err.name = 'InputError';
      return err;
    }
    return new ServiceUnavailableError(message);
  }
  return new ServiceUnavailableError(
    `cluster ${cluster} unavailable: ${describeError(e)}`,
  );
}
