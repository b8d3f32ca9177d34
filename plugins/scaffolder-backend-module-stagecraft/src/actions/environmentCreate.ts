import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { dryRunOf, logWarnings, originOf } from './shared';
import { examples } from './environmentCreate.examples';

/**
 * `stagecraft:environment:create` — asks the Stagecraft backend, as the user
 * who runs the template, for an environment. Re-running it with the same
 * input confirms the environment and changes nothing. The task that created
 * it is recorded on the environment (and its catalog entity). In a dry run
 * the backend checks input, permission and conflicts and changes nothing.
 *
 * @public
 */
export function createEnvironmentCreateAction(options: {
  client: Pick<StagecraftClient, 'createEnvironment'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:environment:create',
    supportsDryRun: true,
    description:
      'Creates a Stagecraft environment (namespace, quota, limits, network policies, owner access) as the initiating user; idempotent.',
    examples,
    schema: {
      input: {
        name: z => z.string().describe('Environment name, a DNS-1123 label'),
        type: z =>
          z
            .string()
            .describe('An environment type of stagecraft.environmentTypes'),
        owner: z => z.string().describe('Owning group (or user) entity ref'),
        cluster: z =>
          z
            .string()
            .optional()
            .describe('Cluster name; optional when only one is configured'),
        system: z => z.string().optional().describe('System entity ref'),
        promotesTo: z =>
          z.string().optional().describe('Next environment of the pipeline'),
        ttl: z =>
          z.string().optional().describe('Time to live, e.g. "48h" (previews)'),
      },
      output: {
        name: z => z.string().describe('The environment name'),
        namespace: z => z.string().describe('Its Kubernetes namespace'),
        cluster: z => z.string().describe('Its cluster'),
        entityRef: z => z.string().describe('Its catalog entity ref'),
      },
    },
    async handler(ctx) {
      const { name, type, owner, cluster, system, promotesTo, ttl } = ctx.input;
      const dryRun = dryRunOf(ctx, {});
      const origin = originOf(ctx);
      ctx.logger.info(
        `${
          dryRun ? 'Dry run: checking' : 'Creating'
        } environment ${name} (${type}) for ${owner}`,
      );
      const env = await options.client.createEnvironment(
        {
          name,
          type,
          owner,
          ...(cluster && { cluster }),
          ...(system && { system }),
          ...(promotesTo && { promotesTo }),
          ...(ttl && { ttl }),
          ...(dryRun && { dryRun }),
          ...(!dryRun && origin && { origin }),
        },
        { credentials: await ctx.getInitiatorCredentials() },
      );
      for (const o of env.objects ?? []) {
        ctx.logger.info(
          `  ${o.present ? 'ok' : 'missing'} ${o.kind}/${o.name}`,
        );
      }
      logWarnings(ctx, env.warnings);
      ctx.logger.info(
        dryRun
          ? `Dry run: environment ${env.name} can be created in namespace ${env.namespace} on ${env.cluster}; nothing was changed`
          : `Environment ${env.name} is ${env.phase} in namespace ${env.namespace} on ${env.cluster}`,
      );
      ctx.output('name', env.name);
      ctx.output('namespace', env.namespace);
      ctx.output('cluster', env.cluster);
      ctx.output('entityRef', `environment:default/${env.name}`);
    },
  });
}
