import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  dryRunOf,
  handlePending,
  once,
  originOf,
  realSleep,
  reportRollout,
  TIMEOUT,
} from './shared';

/**
 * `stagecraft:promote` and `stagecraft:rollback` — move releases along the
 * pipeline or back, as the user who runs the template.
 *
 * @public
 */
export function createPromoteAction(options: {
  client: Pick<StagecraftClient, 'promote' | 'getApproval'>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}) {
  return createTemplateAction({
    id: 'stagecraft:promote',
    supportsDryRun: true,
    description:
      'Deploys the exact release running in one environment to the next one of the pipeline (one tier at a time).',
    examples: [
      {
        description: 'Promote what runs in staging',
        example: `steps:
  - id: promote
    action: stagecraft:promote
    input:
      component: component:default/checkout
      from: payments-staging`,
      },
    ],
    schema: {
      input: {
        component: z => z.string().describe('Component entity ref'),
        from: z => z.string().describe('Environment whose release is promoted'),
        to: z =>
          z
            .string()
            .optional()
            .describe("Target environment (default: from's promotesTo)"),
        dryRun: z => z.boolean().optional().describe('Only show the diff'),
        waitForApproval: z =>
          z
            .boolean()
            .optional()
            .describe(
              'When the target needs approval: wait until it is approved and ran (default: report the pending request and finish)',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(TIMEOUT.min)
            .max(86400)
            .optional()
            .describe(
              `How long to wait for approval (default ${TIMEOUT.default})`,
            ),
      },
      output: {
        approvalId: z =>
          z
            .string()
            .optional()
            .describe('The approval request, when one was needed'),
        approvalState: z =>
          z
            .string()
            .optional()
            .describe('pending, executed, rejected or failed'),
        releaseId: z => z.string().describe('The release promoted'),
        revision: z =>
          z
            .number()
            .optional()
            .describe('The new revision (absent for a dry run)'),
        environment: z =>
          z
            .string()
            .optional()
            .describe('Where it now runs (absent for a dry run)'),
        diff: z =>
          z.string().describe('Unified diff of live vs desired objects'),
      },
    },
    async handler(ctx) {
      const { component, from, to } = ctx.input;
      const dryRun = dryRunOf(ctx, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const result = await once(
        ctx,
        `stagecraft.promote.${component}.${from}.${to ?? ''}`,
        dryRun,
        () =>
          options.client.promote(
            component,
            {
              from,
              ...(to && { to }),
              ...(dryRun ? { dryRun } : { origin: originOf(ctx) }),
            },
            { credentials },
          ),
      );
      reportRollout(
        ctx,
        result,
        r =>
          `Release ${result.release.id} promoted from ${from} to ${r.environment} (revision ${r.revision})`,
      );
      await handlePending(ctx, options.client, result, {
        credentials,
        wait: ctx.input.waitForApproval === true,
        timeoutSeconds: ctx.input.timeoutSeconds ?? TIMEOUT.default,
        sleep: options.sleep ?? realSleep,
      });
    },
  });
}

/** @public */
export function createRollbackAction(options: {
  client: Pick<StagecraftClient, 'rollback'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:rollback',
    supportsDryRun: true,
    description:
      'Redeploys an earlier release of a component in an environment (default: the previous one).',
    examples: [
      {
        description: 'Roll back to the previous release',
        example: `steps:
  - id: rollback
    action: stagecraft:rollback
    input:
      component: component:default/checkout
      environment: payments-dev`,
      },
    ],
    schema: {
      input: {
        component: z => z.string().describe('Component entity ref'),
        environment: z => z.string().describe('Environment to roll back'),
        revision: z =>
          z.number().int().min(1).optional().describe('Revision to restore'),
        releaseId: z => z.string().optional().describe('Release to restore'),
        dryRun: z => z.boolean().optional().describe('Only show the diff'),
      },
      output: {
        releaseId: z => z.string().describe('The release now running'),
        environment: z =>
          z
            .string()
            .optional()
            .describe('The environment (absent for a dry run)'),
        revision: z =>
          z
            .number()
            .optional()
            .describe('The new revision (absent for a dry run)'),
        diff: z =>
          z.string().describe('Unified diff of live vs desired objects'),
      },
    },
    async handler(ctx) {
      const { component, environment, revision, releaseId } = ctx.input;
      const dryRun = dryRunOf(ctx, ctx.input);
      const result = await once(
        ctx,
        `stagecraft.rollback.${component}.${environment}`,
        dryRun,
        async () =>
          options.client.rollback(
            component,
            {
              environment,
              ...(revision && { revision }),
              ...(releaseId && { releaseId }),
              ...(dryRun ? { dryRun } : { origin: originOf(ctx) }),
            },
            { credentials: await ctx.getInitiatorCredentials() },
          ),
      );
      reportRollout(
        ctx,
        result,
        r =>
          `Rolled ${environment} back to release ${result.release.id} (revision ${r.revision})`,
      );
    },
  });
}
