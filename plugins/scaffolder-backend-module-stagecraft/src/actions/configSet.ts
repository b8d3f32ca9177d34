import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';

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
    description:
      "Sets configuration values of an environment or a component in it; secret values come from the template's secrets, never from input.",
    examples: [
      {
        description: 'A log level and an API token from the template secrets',
        example: `steps:
  - id: config
    action: stagecraft:config:set
    input:
      environment: payments-dev
      component: component:default/checkout
      values:
        LOG_LEVEL: debug
      secrets:
        API_TOKEN: apiToken   # the name of a secret of this task`,
      },
    ],
    schema: {
      input: {
        environment: z => z.string().describe('Environment name'),
        component: z =>
          z
            .string()
            .optional()
            .describe('Component entity ref; omit for the environment layer'),
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
      const credentials = await ctx.getInitiatorCredentials();
      if (values && Object.keys(values).length) {
        const result = await options.client.setConfig(
          {
            environment,
            ...(component && { component }),
            values,
            ...(message && { message }),
          },
          { credentials },
        );
        ctx.logger.info(
          result.version
            ? `Config version ${result.version.version}: ${
                result.changes.map(c => c.key).join(', ') || 'no change'
              }`
            : 'Config unchanged',
        );
        if (result.version) ctx.output('version', result.version.version);
      }
      if (secrets && Object.keys(secrets).length) {
        if (!component) throw new Error('secrets need a component');
        const versions: Record<string, number> = {};
        for (const [key, secretName] of Object.entries(secrets)) {
          const value = ctx.secrets?.[secretName];
          if (!value) {
            throw new Error(
              `secret "${secretName}" for ${key} is not among this task's secrets`,
            );
          }
          const info = await options.client.setSecret(
            { environment, component, key, value },
            { credentials },
          );
          versions[key] = info.version;
          ctx.logger.info(`Secret ${key}: version ${info.version}`);
        }
        ctx.output('secretVersions', versions);
      }
    },
  });
}
