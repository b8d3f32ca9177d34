import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { nameInputs, realSleep } from './shared';
import { rollout, rolloutInputs, rolloutOutputs } from './rollout';
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
        component: nameInputs.component,
        from: z => z.string().describe('Environment whose release is promoted'),
        to: z =>
          z
            .string()
            .optional()
            .describe("Target environment (default: from's promotesTo)"),
        ...rolloutInputs,
      },
      output: {
        releaseId: z => z.string().describe('The release promoted'),
        ...rolloutOutputs,
      },
    },
    async handler(ctx) {
      const { component, from, to } = ctx.input;
      await rollout(ctx, {
        client: options.client,
        sleep: options.sleep ?? realSleep,
        key: `stagecraft.promote.${component}.${from}.${to ?? ''}`,
        call: (change, asUser) =>
          options.client.promote(
            component,
            { from, ...(to && { to }), ...change },
            asUser,
          ),
        done: (r, { release }) =>
          `Release ${release.id} promoted from ${from} to ${r.environment} (revision ${r.revision})`,
      });
    },
  });
}
