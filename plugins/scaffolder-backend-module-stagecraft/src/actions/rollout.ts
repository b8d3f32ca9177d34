import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { JsonValue } from '@backstage/types';
import type {
  DeployResult,
  Origin,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import type { z } from 'zod/v3';
import {
  dryRunOf,
  logWarnings,
  once,
  originOf,
  POLL_MS,
  type StagecraftActionContext,
  TIMEOUT,
  timeoutInput,
} from './shared';

type Z = typeof z;

/**
 * The inputs of every action that can put a release into an environment
 * (deploy, promote, rollback): what to do when it needs approval.
 */
export const approvalInputs = {
  waitForApproval: (z: Z) =>
    z
      .boolean()
      .optional()
      .describe(
        'When the environment needs approval: wait until it is approved and ran (default: report the pending request and finish)',
      ),
  timeoutSeconds: (z: Z) =>
    timeoutInput(' for approval or the rollout', 86400)(z),
};

/** The inputs promote and rollback add to their own. */
export const rolloutInputs = {
  dryRun: (z: Z) => z.boolean().optional().describe('Only show the diff'),
  ...approvalInputs,
};

/** The outputs that report an approval request, shared by the same actions. */
export const approvalOutputs = {
  approvalId: (z: Z) =>
    z.string().optional().describe('The approval request, when one was needed'),
  approvalState: (z: Z) =>
    z.string().optional().describe('pending, executed, rejected or failed'),
};

const ABSENT = ' (absent for a dry run or a pending request)';

/**
 * The outputs of deploy, promote and rollback: what ran where (absent for a
 * dry run or a pending request), the diff, and the approval request.
 */
export const rolloutOutputs = {
  ...approvalOutputs,
  revision: (z: Z) =>
    z.number().optional().describe(`The new revision${ABSENT}`),
  environment: (z: Z) =>
    z.string().optional().describe(`Where it now runs${ABSENT}`),
  diff: (z: Z) =>
    z.string().describe('Unified diff of live vs desired objects'),
};

/**
 * A change into a protected environment waits for approvers: report the
 * request, and with `wait` poll it until it ran (or was rejected/failed).
 * Returns true when the change is still pending (not waited for).
 */
async function handlePending(
  ctx: OutputContext,
  client: Pick<StagecraftClient, 'getApproval'>,
  result: DeployResult,
  options: {
    credentials: BackstageCredentials;
    wait: boolean;
    timeoutSeconds: number;
    sleep: (ms: number) => Promise<void>;
  },
): Promise<boolean> {
  const pending = result.pending;
  if (!pending) return false;
  ctx.output('approvalId', pending.id);
  ctx.output('approvalState', pending.state);
  ctx.logger.info(
    `${pending.action} of release ${pending.releaseId} to ${pending.environment} waits for ${pending.required} approval(s) from ${pending.group} (request ${pending.id})`,
  );
  if (!options.wait) return true;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let seen = pending.approvals.length;
  for (;;) {
    await options.sleep(POLL_MS);
    const now = await client.getApproval(pending.id, {
      credentials: options.credentials,
    });
    if (now.approvals.length !== seen) {
      seen = now.approvals.length;
      ctx.logger.info(
        `Approved by ${now.approvals.map(a => a.by).join(', ')} (${seen}/${
          now.required
        })`,
      );
    }
    ctx.output('approvalState', now.state);
    if (now.state === 'executed') {
      ctx.logger.info(
        `Approved: release ${now.releaseId} runs in ${now.environment} (revision ${now.revision})`,
      );
      if (now.revision) ctx.output('revision', now.revision);
      ctx.output('environment', now.environment);
      return false;
    }
    if (now.state !== 'pending') {
      throw new Error(
        `${now.action} of ${now.releaseId} to ${now.environment} was ${
          now.state
        }${now.rejection ? ` by ${now.rejection.by}` : ''}${
          now.error ? `: ${now.error}` : ''
        }`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `still waiting for approval of request ${pending.id} after ${options.timeoutSeconds} s`,
      );
    }
  }
}

/** Logs and outputs what a deploy, promote or rollback did (or would do). */
function reportRollout(
  ctx: OutputContext,
  result: DeployResult,
  done: RolloutOptions['done'],
) {
  if (result.pending) {
    ctx.output('releaseId', result.release.id);
    return;
  }
  ctx.logger.info(
    result.revision
      ? done(result.revision, result)
      : `Dry run: release ${result.release.id} (${
          result.release.image
        }) would change:\n${result.diff || '(nothing)'}`,
  );
  logWarnings(ctx, result.revision?.warnings ?? result.warnings);
  ctx.output('releaseId', result.release.id);
  if (result.revision) {
    ctx.output('revision', result.revision.revision);
    ctx.output('environment', result.revision.environment);
  }
  ctx.output('diff', result.diff);
}

type OutputContext = StagecraftActionContext & {
  output(name: string, value: unknown): void;
};

/** What deploy, promote and rollback say about their one call. */
export interface RolloutOptions {
  client: Pick<StagecraftClient, 'getApproval'>;
  sleep: (ms: number) => Promise<void>;
  /** The checkpoint key: the call runs once per task. */
  key: string;
  /** The backend call; `change` is the dry run or the origin to record. */
  call: (
    change: { dryRun: true } | { origin?: Origin },
    asUser: { credentials: BackstageCredentials },
  ) => Promise<DeployResult>;
  /** The log line of a change that ran. */
  done: (
    revision: NonNullable<DeployResult['revision']>,
    result: DeployResult,
  ) => string;
}

/**
 * The frame of deploy, promote and rollback, as the user who runs the
 * template: the call once per task (a dry run is never recorded), what it did
 * in the log and outputs, and an approval request reported or (with
 * `waitForApproval`) waited for. `pending` is true while it still waits.
 */
export async function rollout(
  ctx: OutputContext & {
    input: {
      dryRun?: boolean;
      waitForApproval?: boolean;
      timeoutSeconds?: number;
    };
    getInitiatorCredentials(): Promise<BackstageCredentials>;
    checkpoint<U extends JsonValue | void>(opts: {
      key: string;
      fn: () => Promise<U> | U;
    }): Promise<U>;
  },
  options: RolloutOptions,
) {
  const dryRun = dryRunOf(ctx, ctx.input);
  const credentials = await ctx.getInitiatorCredentials();
  const result = await once(ctx, options.key, dryRun, () =>
    options.call(dryRun ? { dryRun } : { origin: originOf(ctx) }, {
      credentials,
    }),
  );
  reportRollout(ctx, result, options.done);
  const timeoutSeconds = ctx.input.timeoutSeconds ?? TIMEOUT.default;
  const pending = await handlePending(ctx, options.client, result, {
    credentials,
    wait: ctx.input.waitForApproval === true,
    timeoutSeconds,
    sleep: options.sleep,
  });
  return { result, pending, dryRun, credentials, timeoutSeconds };
}
