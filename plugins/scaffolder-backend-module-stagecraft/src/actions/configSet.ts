import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { dryRunOf, nameInputs, once } from './shared';
import { examples } from './configSet.examples';

/**
 * `stagecraft:config:set` — sets configuration values, and secret values taken
 * only from the task's secrets (`ctx.secrets`, which the scaffolder keeps out
 * of task logs and parameters), never from plain input.
 *
 * @public
 */
export function createConfigSetAction(options: {
  client: Pick<StagecraftClient, 'setConfig' | 'setSecret'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:config:set',
    supportsDryRun: true,
    description:
      "Sets configuration values of an environment or a component in it; secret values come from the template's secrets, never from input.",
    examples,
    schema: {
      input: {
        environment: nameInputs.environment,
        component: nameInputs.componentOr('; omit for the environment layer'),
        values: z =>
          z
            .record(
              z.string(),
              z.union([z.string(), z.number(), z.boolean(), z.null()]),
            )
            .optional()
            .describe('KEY: value (null removes the key)'),
        secrets: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              'KEY: name of a secret of this task (ctx.secrets); needs component',
            ),
        message: z =>
          z.string().optional().describe('Why, for the config history'),
      },
      output: {
        version: z =>
          z
            .number()
            .optional()
            .describe('The new config version, if values changed'),
        secretVersions: z =>
          z
            .record(z.string(), z.number())
            .optional()
            .describe('KEY: new version of each secret set'),
      },
    },
    async handler(ctx) {
      const { environment, component, values, secrets, message } = ctx.input;
      const dryRun = dryRunOf(ctx, {});
      const credentials = await ctx.getInitiatorCredentials();
      if (secrets && Object.keys(secrets).length) {
        if (!component) throw new Error('secrets need a component');
        // every secret is checked before anything is written
        for (const [key, secretName] of Object.entries(secrets)) {
          if (!ctx.secrets?.[secretName]) {
            throw new Error(
              `secret "${secretName}" for ${key} is not among this task's secrets`,
            );
          }
        }
      }
      if (values && Object.keys(values).length) {
        const result = await once(
          ctx,
          `stagecraft.config.${environment}.${component ?? ''}`,
          dryRun,
          () =>
            options.client.setConfig(
              {
                environment,
                ...(component && { component }),
                values,
                ...(message && { message }),
                ...(dryRun && { dryRun }),
              },
              { credentials },
            ),
        );
        const changed = result.changes.map(c => c.key).join(', ');
        if (dryRun) {
          ctx.logger.info(
            `Dry run: config would change ${changed || 'nothing'}`,
          );
        } else {
          ctx.logger.info(
            result.version
              ? `Config version ${result.version.version}: ${
                  changed || 'no change'
                }`
              : 'Config unchanged',
          );
        }
        if (result.version && !dryRun) {
          ctx.output('version', result.version.version);
        }
      }
      if (secrets && Object.keys(secrets).length && component) {
        if (dryRun) {
          ctx.logger.info(
            `Dry run: would set secrets ${Object.keys(secrets).join(', ')}`,
          );
          return;
        }
        const versions: Record<string, number> = {};
        for (const [key, secretName] of Object.entries(secrets)) {
          const info = await once(
            ctx,
            `stagecraft.secret.${environment}.${component}.${key}`,
            false,
            () =>
              options.client.setSecret(
                {
                  environment,
                  component,
                  key,
                  value: ctx.secrets![secretName],
                },
                { credentials },
              ),
          );
          versions[key] = info.version;
          ctx.logger.info(`Secret ${key}: version ${info.version}`);
        }
        ctx.output('secretVersions', versions);
      }
    },
  });
}
