import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';

/** How often `wait` looks at the rollout. */
const POLL_MS = 2000;

/**
 * `stagecraft:deploy` — deploys a component to an environment as the user who
 * runs the template, optionally waiting for the rollout, with its progress in
 * the task log. Re-running it deploys the same release again (no change).
 *
 * @public
 */
export function createDeployAction(options: {
  client: Pick<StagecraftClient, 'deploy' | 'getDeployments'>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}) {
  const sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
  return createTemplateAction({
    id: 'stagecraft:deploy',
    description:
      "Deploys a component's workload (optionally another image) to a Stagecraft environment and can wait for the rollout.",
    examples: [
      {
        description: 'Deploy a new image and wait for it',
        example: `steps:
  - id: deploy
    action: stagecraft:deploy
    input:
      component: component:default/checkout
      environment: payments-dev
      image: "1.4.3"
      wait: true`,
      },
    ],
    schema: {
      input: {
        component: z =>
          z
            .string()
            .describe('Component entity ref, e.g. component:default/checkout'),
        environment: z => z.string().describe('Target environment name'),
        image: z =>
          z
            .string()
            .optional()
            .describe(
              'Image reference, or a tag replacing the workload image tag',
            ),
        dryRun: z =>
          z.boolean().optional().describe('Only show the diff; change nothing'),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the rollout is complete (or failed)'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(10)
            .max(1800)
            .optional()
            .describe('How long to wait (default 300)'),
      },
      output: {
        releaseId: z => z.string().describe('The release deployed'),
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
      const { component, environment, image, dryRun, wait } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      ctx.logger.info(
        `${dryRun ? 'Dry run of' : 'Deploying'} ${component} to ${environment}${
          image ? ` (${image})` : ''
        }`,
      );
      const result = await options.client.deploy(
        component,
        { environment, ...(image && { image }), ...(dryRun && { dryRun }) },
        { credentials },
      );
      ctx.logger.info(
        result.revision
          ? `Release ${result.release.id} (${result.release.image}) is revision ${result.revision.revision}`
          : `Release ${result.release.id} would change:\n${
              result.diff || '(nothing)'
            }`,
      );
      ctx.output('releaseId', result.release.id);
      if (result.revision) ctx.output('revision', result.revision.revision);
      ctx.output('diff', result.diff);
      if (!wait || dryRun) return;

      const deadline = Date.now() + (ctx.input.timeoutSeconds ?? 300) * 1000;
      let last = '';
      for (;;) {
        const here = (
          await options.client.getDeployments(component, { credentials })
        ).find(d => d.environment === environment);
        const status = here?.status;
        const line = status
          ? `${status.phase}${status.reason ? ` (${status.reason})` : ''}: ${
              status.replicas.available
            }/${status.replicas.desired} available${
              status.message ? `, ${status.message}` : ''
            }`
          : 'waiting for the first status';
        if (line !== last) ctx.logger.info(`Rollout: ${line}`);
        last = line;
        if (status?.release === result.release.id) {
          if (status.phase === 'complete') return;
          if (status.phase === 'failed') {
            throw new Error(
              `Rollout of ${result.release.id} to ${environment} failed: ${
                status.reason ?? status.message ?? 'unknown reason'
              }`,
            );
          }
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Rollout of ${
              result.release.id
            } to ${environment} not complete after ${
              ctx.input.timeoutSeconds ?? 300
            } s (last: ${line})`,
          );
        }
        await sleep(POLL_MS);
      }
    },
  });
}
