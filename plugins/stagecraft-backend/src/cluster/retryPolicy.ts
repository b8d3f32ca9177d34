/**
 * The retry policy of every call Stagecraft makes to an API server (the single
 * choke point is KubernetesClusterGateway.request).
 *
 * Built on cockatiel: a small, dependency-free, well-maintained TypeScript
 * resilience library (retry, backoff generators with decorrelated jitter,
 * timeouts, circuit breakers) whose backoff is a pluggable object that sees
 * the failure it is backing off from, which is what honouring `Retry-After`
 * needs. p-retry was the alternative; its v5+ is ESM-only and it has no hook
 * to choose the next delay from the failure.
 *
 * Rules:
 * - only calls that are safe to repeat are retried: GET, DELETE, PUT and the
 *   PATCHes Stagecraft sends (server-side apply and merge patch set a state,
 *   so sending one twice has the effect of sending it once). A POST is
 *   retried only when it provably had no effect: the connection was refused
 *   (nothing was sent) or the API server answered 429 (API priority and
 *   fairness rejects before the request is processed).
 * - retried failures: no answer (connection refused/reset, timeout), 429,
 *   500, 502, 503, 504. Never 4xx other than 429: a 409 from server-side
 *   apply is a field-manager conflict the caller must see (never force
 *   silently), a 403/404/422 will not change by asking again.
 * - exponential backoff with decorrelated jitter (cockatiel's default
 *   generator), 200 ms first, at most 5 s apart, at most `maxAttempts` tries;
 *   a `Retry-After` (seconds or an HTTP date) on a 429/503 replaces the
 *   computed delay (capped at 10 s).
 * - the whole call, retries included, fits in the cluster's time budget
 *   (`stagecraft.clusters[].timeoutSeconds`): a slow or dead cluster fails
 *   that call with a per-cluster error; other clusters are not affected.
 */
import {
  ExponentialBackoff,
  handleWhen,
  IBackoff,
  IBackoffFactory,
  IRetryBackoffContext,
  retry,
} from 'cockatiel';

/** Why one attempt failed, as the retry policy needs to know it. */
export class AttemptFailure extends Error {
  constructor(
    /** The error the caller sees if this is the last attempt. */
    readonly error: Error,
    readonly details: {
      /** The HTTP status, when the server answered. */
      status?: number;
      /** A transport error code (ECONNREFUSED…), when it did not. */
      transport?: string;
      /** From a Retry-After header, in milliseconds. */
      retryAfterMs?: number;
    },
  ) {
    super(error.message);
    this.name = 'AttemptFailure';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);
/** Transport failures that mean the request never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether a failed attempt of `method` may be sent again. */
export function isRetryable(
  method: HttpMethod,
  failure: AttemptFailure,
  options: { idempotent?: boolean } = {},
): boolean {
  const { status, transport } = failure.details;
  if (status === 429) return true;
  if (status === undefined && transport && NOT_SENT.has(transport)) return true;
  const idempotent = options.idempotent ?? method !== 'POST';
  if (!idempotent) return false;
  if (status !== undefined) return RETRIED_STATUS.has(status);
  return true; // no answer: reset, timeout, TLS failure mid-flight
}

/** A Retry-After header value (delta-seconds or an HTTP date) in milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface RetryOptions {
  /** Tries in all, the first included (default 6). */
  maxAttempts?: number;
  /** First backoff delay (default 200 ms). */
  initialDelayMs?: number;
  /** Largest computed backoff delay (default 5 s). */
  maxDelayMs?: number;
  /** Largest delay a Retry-After may ask for (default 10 s). */
  maxRetryAfterMs?: number;
  /** Called before each retry (metrics, logs). */
  onRetry?: (info: {
    attempt: number;
    delayMs: number;
    reason: string;
  }) => void;
}

/**
 * Exponential backoff with jitter whose next delay is the server's
 * Retry-After when the failure carried one.
 */
class RetryAfterBackoff
  implements IBackoffFactory<IRetryBackoffContext<unknown>>
{
  constructor(
    private readonly exponential: IBackoffFactory<unknown>,
    private readonly maxRetryAfterMs: number,
  ) {}

  next(
    context: IRetryBackoffContext<unknown>,
  ): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.exponential.next(undefined) as IBackoff<unknown>;
    const failure =
      'error' in context.result ? context.result.error : undefined;
    const retryAfter =
      failure instanceof AttemptFailure
        ? failure.details.retryAfterMs
        : undefined;
    return Object.assign(new RetryAfterBackoff(step, this.maxRetryAfterMs), {
      duration:
        retryAfter !== undefined
          ? Math.min(retryAfter, this.maxRetryAfterMs)
          : step.duration,
    });
  }
}

/**
 * Runs `attempt` under the policy: `attempt` throws AttemptFailure for a
 * failure the policy may retry, anything else is final. After the last try
 * (or when the time budget is spent) the failure's own error is thrown.
 */
export async function withRetries<T>(
  method: HttpMethod,
  attempt: (remainingMs: number) => Promise<T>,
  options: RetryOptions & {
    /** Budget of the whole call, retries included (ms). */
    budgetMs: number;
    idempotent?: boolean;
    /** The error when the budget is spent before a try could start. */
    budgetSpent?: (budgetMs: number) => Error;
  },
): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  const maxDelay = options.maxDelayMs ?? 5000;
  const policy = retry(
    handleWhen(
      e =>
        e instanceof AttemptFailure &&
        isRetryable(method, e, { idempotent: options.idempotent }) &&
        // no point waiting if the budget will be gone by then
        deadline - Date.now() > 50,
    ),
    {
      maxAttempts: Math.max(0, (options.maxAttempts ?? 6) - 1),
      backoff: new RetryAfterBackoff(
        new ExponentialBackoff({
          initialDelay: options.initialDelayMs ?? 200,
          maxDelay,
        }),
        options.maxRetryAfterMs ?? 10_000,
      ),
    },
  );
  const listener = policy.onRetry(info => {
    const e = 'error' in info ? info.error : undefined;
    options.onRetry?.({
      attempt: info.attempt,
      delayMs: info.delay,
      reason:
        e instanceof AttemptFailure
          ? String(e.details.status ?? e.details.transport ?? e.message)
          : String(e),
    });
  });
  try {
    return await policy.execute(async () => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw (
          options.budgetSpent?.(options.budgetMs) ??
          new Error(`no answer within ${options.budgetMs} ms`)
        );
      }
      // the whole try is bounded, not just its HTTP request: API discovery
      // inside client-node has no timeout of its own
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          attempt(remaining),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new AttemptFailure(
                    options.budgetSpent?.(options.budgetMs) ??
                      new Error(`no answer within ${options.budgetMs} ms`),
                    { transport: 'timeout' },
                  ),
                ),
              remaining,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    });
  } catch (e) {
    throw e instanceof AttemptFailure ? e.error : e;
  } finally {
    listener.dispose();
  }
}
