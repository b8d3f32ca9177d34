import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { nameInputs, realSleep } from './shared';
import { rollout, rolloutInputs, rolloutOutputs } from './rollout';
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
        component: nameInputs.component,
        environment: z => z.string().describe('Environment to roll back'),
        revision: z =>
          z.number().int().min(1).optional().describe('Revision to restore'),
        releaseId: z => z.string().optional().describe('Release to restore'),
        ...rolloutInputs,
      },
      output: {
        releaseId: z => z.string().describe('The release now running'),
        ...rolloutOutputs,
      },
    },
    async handler(ctx) {
      const { component, environment, revision, releaseId } = ctx.input;
      await rollout(ctx, {
        client: options.client,
        sleep: options.sleep ?? realSleep,
        key: `stagecraft.rollback.${component}.${environment}`,
        call: (change, asUser) =>
          options.client.rollback(
            component,
            {
              environment,
              ...(revision && { revision }),
              ...(releaseId && { releaseId }),
              ...change,
            },
            asUser,
          ),
        done: (r, { release }) =>
          `Rolled ${environment} back to release ${release.id} (revision ${r.revision})`,
      });
    },
  });
}
