import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  dryRunOf,
  POLL_MS,
  realSleep,
  reportRolloutFailure,
  timeoutInput,
  waitForRollout,
} from './shared';
import { approvalInputs, rollout, rolloutOutputs } from './rollout';
import { examples } from './deploy.examples';

/** How long a deploy waits for a just-registered component to be in the catalog. */
const CATALOG_WAIT_MS = 90_000;

/**
 * The backend's 404 for a component the catalog does not have (yet): its
 * error body says what is missing (`error.missing`), so no message is parsed.
 */
function notInCatalogYet(e: unknown): boolean {
  const err = e as {
    statusCode?: number;
    body?: { error?: { missing?: unknown } };
  };
  return err.statusCode === 404 && err.body?.error?.missing === 'component';
}

/**
 * `stagecraft:deploy` — deploys a component to an environment as the user who
 * runs the template, optionally waiting for the rollout, with its progress in
 * the task log. Re-running it deploys the same release again (no change).
 *
 * @public
 */
export function createDeployAction(options: {
  client: Pick<
    StagecraftClient,
    'deploy' | 'getDeployments' | 'getClusterEvents' | 'getLogs' | 'getApproval'
  >;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}) {
  const sleep = options.sleep ?? realSleep;
  return createTemplateAction({
    id: 'stagecraft:deploy',
    supportsDryRun: true,
    description:
      "Deploys a component's workload (optionally another image) to a Stagecraft environment and can wait for the rollout.",
    examples,
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
        timeoutSeconds: timeoutInput(),
        waitForApproval: approvalInputs.waitForApproval,
      },
      output: {
        releaseId: z => z.string().describe('The release deployed'),
        ...rolloutOutputs,
      },
    },
    async handler(ctx) {
      const { component, environment, image, wait } = ctx.input;
      ctx.logger.info(
        `${
          dryRunOf(ctx, ctx.input) ? 'Dry run of' : 'Deploying'
        } ${component} to ${environment}${image ? ` (${image})` : ''}`,
      );
      // a protected environment: the request waits for its approvers
      const { result, pending, dryRun, credentials, timeoutSeconds } =
        await rollout(ctx, {
          client: options.client,
          sleep,
          key: `stagecraft.deploy.${component}.${environment}`,
          call: async (change, asUser) => {
            // a component registered by an earlier step of the same template
            // takes the catalog a few seconds to ingest: wait for it (bounded)
            const deadline = Date.now() + CATALOG_WAIT_MS;
            for (;;) {
              try {
                return await options.client.deploy(
                  component,
                  { environment, ...(image && { image }), ...change },
                  asUser,
                );
              } catch (e) {
                if (!notInCatalogYet(e) || Date.now() >= deadline) throw e;
                ctx.logger.info(
                  `Waiting for ${component} to appear in the catalog`,
                );
                await sleep(POLL_MS);
              }
            }
          },
          done: (r, { release }) =>
            `Release ${release.id} (${release.image}) is revision ${r.revision} in ${environment}`,
        });
      if (pending || !wait || dryRun) return;
      try {
        await waitForRollout({
          client: options.client,
          credentials,
          component,
          environment,
          releaseId: result.release.id,
          timeoutSeconds,
          log: m => ctx.logger.info(m),
          sleep,
        });
      } catch (e) {
        // why: the Warning events and the failing pod's last lines
        await reportRolloutFailure({
          client: options.client,
          credentials,
          component,
          environment,
          log: m => ctx.logger.info(m),
        });
        throw e;
      }
    },
  });
}
