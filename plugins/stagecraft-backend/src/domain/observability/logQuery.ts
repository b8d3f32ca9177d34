import {
  FieldError,
  LogSourcePod,
  validateDnsLabel,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject, WorkloadObserver } from '../ports';
import { currentPods } from '../deployments/status';

// The query of `GET /components/{ref}/logs`, its limits, and the pods logs
// can be read from (the watch cache's projection).

/** Bounds of reading logs (`stagecraft.logs.*` in config.d.ts). */
export interface LogLimits {
  maxFollowsPerUser: number;
  maxFollows: number;
  maxLineBytes: number;
  maxBytesPerSecond: number;
  /** Lines per container when the query names no `tailLines`. */
  defaultTailLines: number;
  maxTailLines: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = {
  maxFollowsPerUser: 5,
  maxFollows: 50,
  maxLineBytes: 8192,
  maxBytesPerSecond: 256 * 1024,
  defaultTailLines: 500,
  maxTailLines: 10_000,
};

/** A validated query of `GET /components/{ref}/logs`. */
export interface ParsedLogQuery {
  environment: string;
  pod?: string;
  container?: string;
  previous: boolean;
  follow: boolean;
  sinceSeconds?: number;
  tailLines?: number;
  format: 'json' | 'text';
}

const KNOWN = [
  'environment',
  'pod',
  'container',
  'previous',
  'follow',
  'sinceSeconds',
  'tailLines',
  'format',
];
const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_SINCE_SECONDS = 30 * 24 * 3600;

/** Validates the query string; one 400 naming every bad field. */
export function parseLogQuery(
  query: unknown,
  limits: Pick<LogLimits, 'maxTailLines'>,
): ParsedLogQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(q)) {
    if (!KNOWN.includes(key)) {
      errors.push({ field: key, message: `${key} is not a known parameter` });
    }
  }
  const envError = validateDnsLabel(q.environment, 'environment');
  if (envError) errors.push(envError);
  const name = (field: string, re: RegExp) => {
    const v = q[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !re.test(v)) {
      errors.push({ field, message: `${field} must be a Kubernetes name` });
      return undefined;
    }
    return v;
  };
  const bool = (field: string) => {
    const v = q[field];
    if (v === undefined) return false;
    if (v !== 'true' && v !== 'false') {
      errors.push({ field, message: `${field} must be true or false` });
    }
    return v === 'true';
  };
  const int = (field: string, min: number, max: number) => {
    const v = q[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || +v < min || +v > max) {
      errors.push({
        field,
        message: `${field} must be a whole number from ${min} to ${max}`,
      });
      return undefined;
    }
    return Number(v);
  };
  const parsed: ParsedLogQuery = {
    environment: String(q.environment),
    pod: name('pod', POD_NAME),
    container: name('container', CONTAINER_NAME),
    previous: bool('previous'),
    follow: bool('follow'),
    sinceSeconds: int('sinceSeconds', 1, MAX_SINCE_SECONDS),
    tailLines: int('tailLines', 0, limits.maxTailLines),
    format: 'json',
  };
  if (q.format !== undefined) {
    if (q.format === 'text' || q.format === 'json') parsed.format = q.format;
    else
      errors.push({ field: 'format', message: 'format must be json or text' });
  }
  if (parsed.follow && parsed.format === 'text') {
    errors.push({
      field: 'format',
      message: 'format=text is a download; it cannot be combined with follow',
    });
  }
  if (parsed.follow && parsed.previous) {
    errors.push({
      field: 'previous',
      message: 'a previous (terminated) container cannot be followed',
    });
  }
  if (errors.length) throw new InputError(errors);
  return parsed;
}

type LogContainer = LogSourcePod['containers'][number];

/** The pods (and containers) of a component in an environment, from the watch cache. */
export function logSourcePods(
  objects: ReturnType<WorkloadObserver['observe']>,
): LogSourcePod[] {
  const current = new Set(
    (objects.deployment
      ? currentPods(objects.deployment, objects)
      : objects.pods
    ).map(p => p.metadata.name),
  );
  return objects.pods
    .map(p => ({
      name: p.metadata.name,
      phase: String(
        (p as { status?: { phase?: string } }).status?.phase ?? 'Unknown',
      ),
      current: current.has(p.metadata.name),
      containers: (
        (p as KubeObject & { logContainers?: LogContainer[] }).logContainers ??
        []
      ).map(c => ({ ...c })),
    }))
    .sort(
      (a, b) =>
        Number(b.current) - Number(a.current) || a.name.localeCompare(b.name),
    );
}
