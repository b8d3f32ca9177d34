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

/** The inputs that name an environment or a component, described once. */
export const nameInputs = {
  environment: (z: typeof zod): zod.ZodString =>
    z.string().describe('Environment name'),
  component: (z: typeof zod): zod.ZodString =>
    z.string().describe('Component entity ref'),
  /** An optional `component`: "Component entity ref" and what leaving it out means. */
  componentOr:
    (without: string) =>
    (z: typeof zod): zod.ZodOptional<zod.ZodString> =>
      z.string().optional().describe(`Component entity ref${without}`),
};

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

/** How the waits of the actions look, log and give up, as whom. */
interface WaitOptions {
  credentials: BackstageCredentials;
  timeoutSeconds: number;
  log: (message: string) => void;
  sleep: (ms: number) => Promise<void>;
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
export async function waitForRollout(
  options: WaitOptions & {
    client: Pick<StagecraftClient, 'getDeployments'>;
    component: string;
    environment: string;
    releaseId?: string;
  },
): Promise<DeploymentStatus> {
  return pollUntil(options, async () => {
    const here = (
      await options.client.getDeployments(options.component, {
        credentials: options.credentials,
      })
    ).find(d => d.environment === options.environment);
    const status = here?.status;
    const wanted = options.releaseId ?? here?.revision?.releaseId;
    const ours = status && (!wanted || status.release === wanted);
    // GitOps environments: Git and Flux come before the rollout
    const gitops = here?.gitops;
    const viaGit = gitops
      ? `${gitops.stage} (commit ${gitops.commit.slice(0, 12)})`
      : undefined;
    return {
      prefix: `Rollout in ${options.environment}`,
      line: [viaGit && `Git/Flux: ${viaGit}`, describeStatus(status)]
        .filter(Boolean)
        .join('; '),
      value:
        ours &&
        status.phase === 'complete' &&
        (!gitops || gitops.stage === 'applied')
          ? status
          : undefined,
      failed: rolloutFailure(gitops, ours ? status : undefined, options),
      late: `Rollout of ${wanted ?? options.component} to ${
        options.environment
      } not complete`,
    };
  });
}

/** Why a rollout failed: Flux could not apply its commit, or the rollout itself failed. */
function rolloutFailure(
  gitops: { stage: string; commit: string; message?: string } | undefined,
  status: DeploymentStatus | undefined,
  options: { component: string; environment: string },
): string | undefined {
  if (gitops?.stage === 'failed') {
    return `Flux could not apply commit ${gitops.commit.slice(0, 12)} to ${
      options.environment
    }: ${gitops.message ?? 'see its Kustomization'}`;
  }
  if (status?.phase === 'failed') {
    return `Rollout of ${status.release ?? options.component} to ${
      options.environment
    } failed: ${status.reason ?? status.message ?? 'unknown reason'}`;
  }
  return undefined;
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
export async function waitForEnvironment(
  options: WaitOptions & {
    client: Pick<StagecraftClient, 'getEnvironment'>;
    name: string;
  },
): Promise<Environment> {
  return pollUntil(options, async () => {
    const env = await options.client.getEnvironment(options.name, {
      credentials: options.credentials,
    });
    const present = (env.objects ?? []).filter(o => o.present).length;
    return {
      prefix: `Environment ${env.name}`,
      line: `${env.phase}: ${present}/${env.objects?.length ?? 0} objects${
        env.message ? ` (${env.message})` : ''
      }`,
      value: env.phase === 'Ready' ? env : undefined,
      failed:
        env.phase === 'Failed'
          ? `Environment ${env.name} failed: ${env.message ?? ''}`
          : undefined,
      late: `Environment ${env.name} not ready`,
    };
  });
}

/**
 * Looks every POLL_MS until `look` gives a value, logging each new line it
 * reports (`prefix: line`); throws its `failed` message for a state that
 * will not come right, and `late` (with the last line) at the deadline.
 */
async function pollUntil<T>(
  options: WaitOptions,
  look: () => Promise<{
    prefix: string;
    line: string;
    value?: T;
    failed?: string;
    late: string;
  }>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const seen = await look();
    if (seen.line !== last) options.log(`${seen.prefix}: ${seen.line}`);
    last = seen.line;
    if (seen.value !== undefined) return seen.value;
    if (seen.failed) throw new Error(seen.failed);
    if (Date.now() >= deadline) {
      throw new Error(
        `${seen.late} after ${options.timeoutSeconds} s (last: ${seen.line})`,
      );
    }
    await options.sleep(POLL_MS);
  }
}
