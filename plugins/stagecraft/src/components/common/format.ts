/** Cores as people write them: "250m", "1.5 cores". */
export function formatCores(cores: number | undefined): string {
  if (cores === undefined || !Number.isFinite(cores)) return '—';
  if (cores === 0) return '0';
  if (cores < 1) return `${Math.round(cores * 1000)}m`;
  const rounded = Math.round(cores * 100) / 100;
  return `${rounded} ${rounded === 1 ? 'core' : 'cores'}`;
}

const UNITS = ['B', 'Ki', 'Mi', 'Gi', 'Ti'];

/** Bytes in binary units: "512Mi", "1.5Gi". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes === 0) return '0';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Math.round(value * 10) / 10}${UNITS[unit]}`;
}

/** "€12.34" / "$1,200.00"; an unknown currency code falls back to "12.34 XYZ". */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: 2,
    }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** Share of a quota in percent, 0…100 (0 when there is no quota). */
export function percentOf(
  used: number | undefined,
  quota: number | undefined,
): number {
  if (!quota || quota <= 0 || used === undefined) return 0;
  return Math.min(100, Math.round((used / quota) * 100));
}

/** The HTTP status of a ResponseError (or undefined). */
export function statusOf(error: unknown): number | undefined {
  return (error as { response?: { status?: number } } | undefined)?.response
    ?.status;
}

/**
 * What the backend said: a ResponseError's message is only "Request failed
 * with 409 Conflict"; the backend's own message is in its body (cause).
 */
export function messageOf(error: unknown): string {
  const e = error as
    | {
        message?: string;
        body?: { error?: { message?: string } };
        cause?: { message?: string };
      }
    | undefined;
  return (
    e?.body?.error?.message ?? e?.cause?.message ?? e?.message ?? String(error)
  );
}

/**
 * The time in "… next allowed at <ISO time>" of a deployment-window refusal
 * (409), or undefined when the error is something else.
 */
export function nextAllowedAt(error: unknown): string | undefined {
  const message = messageOf(error);
  const m =
    /next allowed at (\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)/.exec(
      message,
    );
  return m && !Number.isNaN(Date.parse(m[1])) ? m[1] : undefined;
}
