import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  nameInputs,
  realSleep,
  TIMEOUT,
  timeoutInput,
  waitForEnvironment,
  waitForRollout,
} from './shared';
import { examples } from './wait.examples';

/**
 * `stagecraft:wait` — waits until an environment is ready, or until a
 * component's rollout in an environment is complete, streaming each change
 * of state to the task log; fails on a failed rollout or at the timeout.
 *
 * @public
 */
export function createWaitAction(options: {
  client: Pick<StagecraftClient, 'getDeployments' | 'getEnvironment'>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}) {
  const sleep = options.sleep ?? realSleep;
  return createTemplateAction({
    id: 'stagecraft:wait',
    description:
      "Waits until an environment is Ready, or (with component) until the component's rollout there is complete, with progress in the task log and a bounded timeout.",
    // read-only: in a dry run it checks once and does not wait
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        environment: nameInputs.environment,
        component: nameInputs.componentOr(
          ': wait for its rollout instead of the environment',
        ),
        releaseId: z =>
          z
            .string()
            .optional()
            .describe(
              'The release to wait for (default: the latest deployed one)',
            ),
        timeoutSeconds: timeoutInput(),
      },
      output: {
        phase: z =>
          z
            .string()
            .describe('Final phase: Ready (environment) or complete (rollout)'),
        release: z =>
          z.string().optional().describe('The release that rolled out'),
      },
    },
    async handler(ctx) {
      const { environment, component, releaseId } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const timeoutSeconds = ctx.isDryRun
        ? 0
        : ctx.input.timeoutSeconds ?? TIMEOUT.default;
      const log = (m: string) => ctx.logger.info(m);
      if (component) {
        const status = await waitForRollout({
          client: options.client,
          credentials,
          component,
          environment,
          releaseId,
          timeoutSeconds,
          log,
          sleep,
        });
        ctx.output('phase', status.phase);
        if (status.release) ctx.output('release', status.release);
        return;
      }
      const env = await waitForEnvironment({
        client: options.client,
        credentials,
        name: environment,
        timeoutSeconds,
        log,
        sleep,
      });
      ctx.output('phase', env.phase);
    },
  });
}
