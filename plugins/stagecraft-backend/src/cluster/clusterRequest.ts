import fetch, { Headers } from 'node-fetch';
import {
  ApiException,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ClusterWarning,
  KubeObject,
  KubeObjectRef,
} from '../domain/ports';
import { forgetCredentials } from './clusterAuth';
import { toDomainError } from './clusterErrors';
import {
  AttemptFailure,
  HttpMethod,
  parseRetryAfter,
  withRetries,
} from './retryPolicy';
import { sharedAgent } from './agents';

/**
 * The raw requests of KubernetesClusterGateway: one call to an API server
 * as plain JSON under the retry policy, the `Warning` headers of its
 * answer, and the server-side apply request of an object.
 */

export const refOfObject = (o: KubeObject): KubeObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  ...(o.metadata.namespace && { namespace: o.metadata.namespace }),
});

const header = (ref: KubeObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: {
    name: ref.name,
    ...(ref.namespace && { namespace: ref.namespace }),
  },
});

/**
 * client-node's KubernetesObjectApi, used only for what it does well: finding
 * the REST path of any kind through API discovery (cached). Its typed
 * (de)serializer is bypassed on purpose: it maps JSON through the generated
 * models and silently drops fields whose model name differs from the JSON
 * name (LimitRange `default` becomes `_default` and is lost on the way out).
 */
export class ResourcePaths extends KubernetesObjectApi {
  pathOf(
    ref: KubeObjectRef,
    action: 'read' | 'create' = 'read',
  ): Promise<string> {
    return this.specUriPath(header(ref) as KubernetesObject, action);
  }

  /** The discovery entry of a kind (cached by client-node), if served. */
  describe(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

/**
 * Default time budget of one cluster call, retries included (a cluster's
 * `timeoutSeconds` overrides it), and the longest a single try may take.
 */
export const DEFAULT_BUDGET_MS = 30_000;
const ATTEMPT_TIMEOUT_MS = 15_000;

/** The transport error code of a failed fetch (ECONNREFUSED, request-timeout…). */
function transportCode(e: unknown): string {
  const err = e as {
    code?: unknown;
    type?: unknown;
    cause?: { code?: unknown };
  };
  return String(err.cause?.code ?? err.code ?? err.type ?? 'network');
}

/** What a retried cluster call reports (metrics, logs). */
export interface RetryEvent {
  cluster: string;
  method: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/**
 * The texts of `Warning` headers (RFC 7234: `299 - "text"`, one header per
 * warning from the API server; quotes and backslashes escaped).
 */
export function warningTexts(values: string[] | undefined): string[] {
  return (values ?? []).flatMap(v => {
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
    if (m) return [m[1].replace(/\\(.)/g, '$1')];
    return v.trim() ? [v.trim()] : [];
  });
}

/** A literal API path (lists, the metrics API) instead of an object's. */
export type PathTarget = { path: string };

/** The retry policy of one call (see KubernetesClusterGateway's policy). */
export type RequestPolicy = Parameters<typeof withRetries>[2];

/** What one request sends. */
export interface RequestOptions {
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  maxAttempts?: number;
  /** The `Warning` headers of the answer (only a successful one's). */
  onWarnings?: (warnings: string[]) => void;
}

/** A failed try, classified for the retry policy. */
export function attemptFailure(cluster: string, e: unknown): AttemptFailure {
  if (e instanceof ApiException) {
    return new AttemptFailure(toDomainError(cluster, e), { status: e.code });
  }
  return new AttemptFailure(toDomainError(cluster, e), {
    transport: transportCode(e),
  });
}

/**
 * The server-side apply of one object (field manager `stagecraft`, no
 * force but for a forced dry run), its warnings collected into `warnings`.
 */
export function applyRequest(
  o: KubeObject,
  dryRun: boolean | undefined,
  warnings: ClusterWarning[],
  /** Only with dryRun: a real write never takes another manager's fields. */
  forceDryRun = false,
): RequestOptions {
  return {
    query: {
      fieldManager: FIELD_MANAGER,
      force: dryRun && forceDryRun ? 'true' : 'false',
      ...(dryRun && { dryRun: 'All' }),
    },
    body: JSON.stringify(o),
    contentType: PatchStrategy.ServerSideApply,
    onWarnings: warningsOf(`${o.kind}/${o.metadata.name}`, warnings),
  };
}

/** An `onWarnings` that keeps each text as a warning about `object` (`Kind/name`). */
export function warningsOf(object: string, into: ClusterWarning[]) {
  return (texts: string[]) =>
    into.push(...texts.map(message => ({ object, message })));
}

/**
 * One call to an API server with the cluster's credentials and CA (applied
 * by client-node), the body and answer as plain JSON, under the retry
 * policy (retryPolicy.ts): only what is safe to repeat is repeated, with
 * exponential backoff and jitter, Retry-After honoured, all within the
 * cluster's time budget.
 */
export async function sendRequest(
  cluster: string,
  { kc, paths }: { kc: KubeConfig; paths: ResourcePaths },
  method: HttpMethod,
  ref: KubeObjectRef | PathTarget,
  options: RequestOptions,
  policy: RequestPolicy,
): Promise<unknown> {
  const what = 'path' in ref ? ref.path : `${ref.kind}/${ref.name}`;
  return withRetries(
    method,
    async remainingMs => {
      let response;
      let text;
      try {
        const url = new URL(
          `${kc.getCurrentCluster()!.server}${
            'path' in ref
              ? ref.path
              : await paths.pathOf(ref, method === 'POST' ? 'create' : 'read')
          }`,
        );
        for (const [k, v] of Object.entries(options.query ?? {}))
          url.searchParams.set(k, v);
        for (let fresh = false; ; fresh = true) {
          // client-node puts the credentials (and TLS agent) into these options
          const init = await kc.applyToFetchOptions({});
          init.agent = sharedAgent(init.agent);
          const headers = init.headers as unknown as Headers;
          headers.set('Accept', 'application/json');
          if (options.contentType)
            headers.set('Content-Type', options.contentType);
          response = await fetch(url.toString(), {
            ...init,
            method,
            headers,
            body: options.body,
            timeout: Math.max(1, Math.min(remainingMs, ATTEMPT_TIMEOUT_MS)),
          });
          text = await response.text();
          // refused credentials: forget the cached ones (an exec plugin's
          // token, a token file) and ask once more with fresh ones
          if (response.status !== 401 || fresh) break;
          forgetCredentials(kc);
        }
      } catch (e) {
        throw attemptFailure(cluster, e);
      }
      if (!response.ok) {
        if (response.status === 404) {
          const err = Object.assign(new Error(`${what} not found`), {
            status: 404,
          });
          err.name = 'NotFoundError';
          throw err;
        }
        const mapped = toDomainError(
          cluster,
          new ApiException(
            response.status,
            `HTTP ${response.status}`,
            text,
            {},
          ),
        );
        throw new AttemptFailure(
          // the cluster's status passes through (e.g. 422), except where
          // the error says the cluster is unavailable (a 503, never the
          // 401/403 the API server gave Stagecraft's own identity)
          mapped.name === 'ServiceUnavailableError'
            ? mapped
            : Object.assign(mapped, { status: response.status }),
          {
            status: response.status,
            retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
          },
        );
      }
      const warnings = warningTexts(response.headers.raw().warning);
      if (warnings.length) options.onWarnings?.(warnings);
      return text ? JSON.parse(text) : undefined;
    },
    {
      ...policy,
      ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
      // a JSON patch (RFC 6902) may add to a list: not safe to repeat
      idempotent:
        method !== 'POST' &&
        options.contentType !== 'application/json-patch+json',
    },
  );
}
