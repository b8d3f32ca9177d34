import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { dryRunOf, nameInputs } from './shared';
import { examples } from './environmentDelete.examples';

/**
 * `stagecraft:environment:delete` — deletes an environment as the user who
 * runs the template and waits until its namespace is gone. An environment
 * that does not exist (any more) counts as deleted, so re-running succeeds.
 *
 * @public
 */
export function createEnvironmentDeleteAction(options: {
  client: Pick<StagecraftClient, 'deleteEnvironment'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:environment:delete',
    supportsDryRun: true,
    description:
      'Deletes a Stagecraft environment and its namespace as the initiating user; succeeds when it is already gone.',
    examples,
    schema: {
      input: {
        name: nameInputs.environment,
        confirm: z =>
          z
            .string()
            .optional()
            .describe(
              'The name again: required to delete a production environment',
            ),
      },
      output: {
        deleted: z => z.boolean().describe('False when it did not exist'),
      },
    },
    async handler(ctx) {
      const { name, confirm } = ctx.input;
      const dryRun = dryRunOf(ctx, {});
      ctx.logger.info(
        dryRun
          ? `Dry run: checking that environment ${name} may be deleted`
          : `Deleting environment ${name}; waiting for its namespace to go`,
      );
      try {
        await options.client.deleteEnvironment(
          name,
          { ...(confirm && { confirm }), ...(dryRun && { dryRun }) },
          { credentials: await ctx.getInitiatorCredentials() },
        );
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) {
          ctx.logger.info(
            `Environment ${name} does not exist; nothing to delete`,
          );
          ctx.output('deleted', false);
          return;
        }
        throw e;
      }
      ctx.logger.info(
        dryRun
          ? `Dry run: environment ${name} would be deleted; nothing was changed`
          : `Environment ${name} deleted`,
      );
      ctx.output('deleted', !dryRun);
    },
  });
}
