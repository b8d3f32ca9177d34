import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { dryRunOf } from './shared';

/**
 * `stagecraft:teardown` — removes what an earlier template run created (its
 * environments, with their resources, and its deployments into other
 * environments), found by the task id Stagecraft recorded. Logs the plan
 * first; in a dry run only the plan. Re-running finds nothing left.
 *
 * @public
 */
export function createTeardownAction(options: {
  client: Pick<StagecraftClient, 'getTeardownPlan' | 'teardown'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:teardown',
    description:
      'Removes the environments, deployments and resources an earlier template run created, showing the plan first.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Tear down a preview created by another run',
        example: `steps:
  - id: teardown
    action: stagecraft:teardown
    input:
      taskId: \${{ parameters.taskId }}`,
      },
    ],
    schema: {
      input: {
        taskId: z =>
          z
            .string()
            .describe(
              'The scaffolder task id of the run whose creations go (annotation stagecraft.io/scaffolder-task)',
            ),
      },
      output: {
        environments: z => z.array(z.string()).describe('Environments deleted'),
        deployments: z =>
          z.array(z.string()).describe('component@environment removed'),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const plan = await options.client.getTeardownPlan(ctx.input.taskId, {
        credentials,
      });
      const environments = plan.environments.map(e => e.name);
      const deployments = plan.deployments.map(
        d => `${d.component}@${d.environment}`,
      );
      ctx.logger.info(
        `Task ${plan.taskId} created: environments ${
          environments.join(', ') || '(none)'
        }; deployments ${deployments.join(', ') || '(none)'}`,
      );
      if (dryRunOf(ctx, {})) {
        ctx.logger.info('Dry run: nothing was removed');
        return;
      }
      if (environments.length || deployments.length) {
        await options.client.teardown(ctx.input.taskId, { credentials });
        ctx.logger.info('Removed');
      }
      ctx.output('environments', environments);
      ctx.output('deployments', deployments);
    },
  });
}
