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
import { examples } from './rollback.examples';

/**
 * `stagecraft:rollback` — redeploys an earlier release, as the user who runs
 * the template; into a protected environment it waits for approvers like a
 * deploy or promote does.
 *
 * @public
 */
export function createRollbackAction(options: {
  client: Pick<StagecraftClient, 'rollback' | 'getApproval'>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}) {
  return createTemplateAction({
    id: 'stagecraft:rollback',
    supportsDryRun: true,
    description:
      'Redeploys an earlier release of a component in an environment (default: the previous one).',
    examples,
    schema: {
      input: {
        component: z => z.string().describe('Component entity ref'),
        environment: z => z.string().describe('Environment to roll back'),
        revision: z =>
          z.number().int().min(1).optional().describe('Revision to restore'),
        releaseId: z => z.string().optional().describe('Release to restore'),
        dryRun: z => z.boolean().optional().describe('Only show the diff'),
        ...approvalInputs,
      },
      output: {
        releaseId: z => z.string().describe('The release now running'),
        ...rolloutOutputs,
      },
    },
    async handler(ctx) {
      const { component, environment, revision, releaseId } = ctx.input;
      const dryRun = dryRunOf(ctx, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
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
            { credentials },
          ),
      );
      reportRollout(
        ctx,
        result,
        r =>
          `Rolled ${environment} back to release ${result.release.id} (revision ${r.revision})`,
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
