import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';
import type {
  DeploymentStatus,
  Environment,
  Origin,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import type { z as zod } from 'zod/v3';

/** What every Stagecraft action needs of the scaffolder's context. */
export interface StagecraftActionContext {
  logger: { info(message: string): void };
  task?: { id: string };
  templateInfo?: { entityRef?: string };
  isDryRun?: boolean;
}

/** How long to wait between two looks at a rollout or environment. */
export const POLL_MS = 2000;

/** Default and bounds of every `timeoutSeconds` input. */
export const TIMEOUT = { default: 300, min: 5, max: 1800 };

/**
 * A `timeoutSeconds` input, described as "How long to wait`what` (default
 * 300)", at most `max` seconds.
 */
export const timeoutInput =
  (what = '', max = TIMEOUT.max) =>
  (z: typeof zod): zod.ZodOptional<zod.ZodNumber> =>
    z
      .number()
      .int()
      .min(TIMEOUT.min)
      .max(max)
      .optional()
      .describe(`How long to wait${what} (default ${TIMEOUT.default})`);

export const realSleep = (ms: number) =>
  new Promise<void>(r => setTimeout(r, ms));

/**
 * The template run a change comes from, recorded by the backend on the
 * environment / revision so it can be found and torn down later.
 */
export function originOf(ctx: StagecraftActionContext): Origin | undefined {
  const taskId = ctx.task?.id;
  if (!taskId || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(taskId)) {
    return undefined;
  }
  const template = ctx.templateInfo?.entityRef;
  return {
    taskId,
    ...(template && /^template:/.test(template) && { template }),
  };
}

/** True in the template editor's dry run, or when the step asks for one. */
export function dryRunOf(
  ctx: StagecraftActionContext,
  input: { dryRun?: boolean },
): boolean {
  return ctx.isDryRun === true || input.dryRun === true;
}

/**
 * Runs a non-idempotent call (a new revision, a new config version) once per
 * task: a task resumed after a backend restart gets the recorded result
 * instead of calling again. Dry runs are not recorded.
 */
export async function once<T>(
  ctx: {
    checkpoint<U extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<U> | U;
    }): Promise<U>;
  },
  key: string,
  dryRun: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  if (dryRun) return fn();
  const recorded = await ctx.checkpoint({
    key,
    fn: async () => (await fn()) as unknown as JsonValue,
  });
  return recorded as unknown as T;
}

/**
 * What the API server warned about on a write (deprecated APIs, Pod Security
 * warn/audit levels): the template's author should see it in the task log.
 */
export function logWarnings(
  ctx: StagecraftActionContext,
  warnings: string[] | undefined,
) {
  for (const w of warnings ?? []) ctx.logger.info(`Kubernetes warning: ${w}`);
}

function describeStatus(status: DeploymentStatus | undefined): string {
  if (!status) return 'waiting for the first status';
  const reason = status.reason ? ` (${status.reason})` : '';
  const message = status.message ? `, ${status.message}` : '';
  return `${status.phase}${reason}: ${status.replicas.available}/${status.replicas.desired} available${message}`;
}

/**
 * Waits until `releaseId` (or whatever runs, when absent) has rolled out in
 * `environment`, logging each change of the rollout's state; throws on a
 * failed rollout or at the deadline, saying what it last saw.
 */
export async function waitForRollout(options: {
  client: Pick<StagecraftClient, 'getDeployments'>;
  credentials: BackstageCredentials;
  component: string;
  environment: string;
  releaseId?: string;
  timeoutSeconds: number;
  log: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
}): Promise<DeploymentStatus> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const here = (
      await options.client.getDeployments(options.component, {
        credentials: options.credentials,
      })
    ).find(d => d.environment === options.environment);
    const status = here?.status;
    const line = describeStatus(status);
    if (line !== last)
      options.log(`Rollout in ${options.environment}: ${line}`);
    last = line;
    const wanted = options.releaseId ?? here?.revision?.releaseId;
    if (status && (!wanted || status.release === wanted)) {
      if (status.phase === 'complete') return status;
      if (status.phase === 'failed') {
        throw new Error(
          `Rollout of ${status.release ?? options.component} to ${
            options.environment
          } failed: ${status.reason ?? status.message ?? 'unknown reason'}`,
        );
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Rollout of ${wanted ?? options.component} to ${
          options.environment
        } not complete after ${options.timeoutSeconds} s (last: ${line})`,
      );
    }
    await options.sleep(POLL_MS);
  }
}

/** How many log lines of the failing pod a failed rollout prints. */
const FAILURE_LOG_LINES = 20;

/**
 * What explains a failed rollout, in the task log: the component's Warning
 * events in the environment (quota and admission refusals, back-offs) and
 * the last lines of its failing pod. Read with the initiator's credentials,
 * so `stagecraft.events.read` / `stagecraft.logs.read` apply; what cannot be
 * read is said, never fatal. Events and logs carry no secret values
 * (Stagecraft injects secrets as references, never as literals).
 */
export async function reportRolloutFailure(options: {
  client: Pick<StagecraftClient, 'getClusterEvents' | 'getLogs'>;
  credentials: BackstageCredentials;
  component: string;
  environment: string;
  log: (message: string) => void;
}): Promise<void> {
  const { client, credentials, component, environment, log } = options;
  try {
    const events = (
      await client.getClusterEvents(component, environment, { credentials })
    ).items.filter(e => e.type === 'Warning');
    log(
      events.length
        ? `Warning events of ${component} in ${environment}:`
        : `No Warning events of ${component} in ${environment}`,
    );
    for (const e of events.slice(0, 10)) {
      log(
        `  ${e.lastTime} ${e.reason} ${e.object.kind}/${e.object.name}: ${
          e.message
        }${e.count > 1 ? ` (×${e.count})` : ''}`,
      );
    }
  } catch (e) {
    log(`Events of ${component} are not available: ${(e as Error).message}`);
  }
  try {
    const { pods } = await client.getLogs(
      component,
      { environment, tailLines: 0 },
      { credentials },
    );
    const current = pods.filter(p => p.current);
    const failing =
      current.find(p => p.phase !== 'Running') ??
      current.find(p => p.containers.some(c => c.restartCount > 0)) ??
      current[0];
    if (!failing) {
      log(`No pod of ${component} runs in ${environment}`);
      return;
    }
    const { lines } = await client.getLogs(
      component,
      { environment, pod: failing.name, tailLines: FAILURE_LOG_LINES },
      { credentials },
    );
    log(
      `Last ${lines.length} log line(s) of pod ${failing.name} (${failing.phase}):`,
    );
    for (const l of lines) log(`  ${l.time} ${l.container} ${l.text}`);
  } catch (e) {
    log(`Logs of ${component} are not available: ${(e as Error).message}`);
  }
}

/**
 * Waits until an environment is Ready (all its objects present), logging
 * each change of phase; throws when it failed or at the deadline.
 */
export async function waitForEnvironment(options: {
  client: Pick<StagecraftClient, 'getEnvironment'>;
  credentials: BackstageCredentials;
  name: string;
  timeoutSeconds: number;
  log: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
}): Promise<Environment> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const env = await options.client.getEnvironment(options.name, {
      credentials: options.credentials,
    });
    const present = (env.objects ?? []).filter(o => o.present).length;
    const line = `${env.phase}: ${present}/${env.objects?.length ?? 0} objects${
      env.message ? ` (${env.message})` : ''
    }`;
    if (line !== last) options.log(`Environment ${env.name}: ${line}`);
    last = line;
    if (env.phase === 'Ready') return env;
    if (env.phase === 'Failed') {
      throw new Error(`Environment ${env.name} failed: ${env.message ?? ''}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Environment ${env.name} not ready after ${options.timeoutSeconds} s (last: ${line})`,
      );
    }
    await options.sleep(POLL_MS);
  }
}
