import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { dryRunOf } from './shared';
import { examples } from './teardown.examples';

/**
 * `stagecraft:teardown` — removes what an earlier template run created (its
 * deployments into other environments, its environments with their
 * resources, and the catalog entities it registered, in that order: the
 * reverse of creation), found by the task id Stagecraft recorded. Logs the
 * plan first, then each step as it runs; in a dry run only the plan.
 * Re-running finds nothing left.
 *
 * @public
 */
export function createTeardownAction(options: {
  client: Pick<StagecraftClient, 'getTeardownPlan' | 'teardown'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:teardown',
    description:
      'Removes the deployments, environments (with their resources) and catalog registrations an earlier template run created, in reverse order, step by step, showing the plan first.',
    supportsDryRun: true,
    examples,
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
        catalog: z =>
          z.array(z.string()).describe('Catalog entities unregistered'),
        steps: z =>
          z
            .array(z.string())
            .describe('Each step with its outcome, in the order they ran'),
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
      const catalog = (plan.catalog ?? []).map(c => c.entityRef);
      const steps = plan.steps ?? [];
      ctx.logger.info(
        `Task ${plan.taskId} created: environments ${
          environments.join(', ') || '(none)'
        }; deployments ${deployments.join(', ') || '(none)'}; catalog ${
          catalog.join(', ') || '(none)'
        }`,
      );
      steps.forEach((s, i) =>
        ctx.logger.info(`Plan ${i + 1}/${steps.length}: ${s.description}`),
      );
      if (dryRunOf(ctx, {})) {
        ctx.logger.info('Dry run: nothing was removed');
        return;
      }
      // one call per step, in the plan's order (the reverse of creation), so
      // the log shows each as it happens; a step already done is skipped
      const outcomes: string[] = [];
      for (const [i, step] of steps.entries()) {
        ctx.logger.info(`Step ${i + 1}/${steps.length}: ${step.description}`);
        const result = await options.client.teardown(ctx.input.taskId, {
          credentials,
          step: step.id,
        });
        const status =
          result.steps?.find(s => s.id === step.id)?.status ?? 'done';
        ctx.logger.info(`Step ${i + 1}/${steps.length}: ${status}`);
        outcomes.push(`${step.id}: ${status}`);
      }
      if (steps.length) ctx.logger.info('Removed');
      ctx.output('environments', environments);
      ctx.output('deployments', deployments);
      ctx.output('catalog', catalog);
      ctx.output('steps', outcomes);
    },
  });
}
