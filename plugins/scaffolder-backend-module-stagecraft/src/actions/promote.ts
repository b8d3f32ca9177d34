import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  approvalInputs,
  rolloutOutputs,
  dryRunOf,
  handlePending,
  once,
  originOf,
  realSleep,
  reportRollout,
  TIMEOUT,
} from './shared';
import { examples } from './promote.examples';

/**
 * `stagecraft:promote` — moves the release running in one environment to the
 * next one of the pipeline, as the user who runs the template.
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
    examples,
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
        ...approvalInputs,
      },
      output: {
        releaseId: z => z.string().describe('The release promoted'),
        ...rolloutOutputs,
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
