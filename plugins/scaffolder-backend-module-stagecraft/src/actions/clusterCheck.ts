import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { examples } from './clusterCheck.examples';

/**
 * `stagecraft:cluster:check` — a template's pre-flight step: fails early, with
 * a clear message, when the cluster a new service will be deployed to is
 * unknown or its API server does not answer.
 *
 * @public
 */
export function createClusterCheckAction(options: {
  client: Pick<StagecraftClient, 'getHealth'>;
}) {
  return createTemplateAction({
    id: 'stagecraft:cluster:check',
    // read-only: the same check in a dry run
    supportsDryRun: true,
    description:
      'Checks that a Stagecraft cluster is configured and its API server answers; fails the task otherwise.',
    examples,
    schema: {
      input: {
        cluster: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
              message: 'cluster must be a DNS-1123 label, e.g. "local"',
            })
            .optional()
            .describe(
              'Name of the cluster from admin config; when omitted every configured cluster must answer.',
            ),
      },
      output: {
        clusters: z =>
          z
            .array(
              z.object({
                name: z.string(),
                reachable: z.boolean(),
                version: z.string().optional(),
              }),
            )
            .describe('Each checked cluster and whether it answered'),
      },
    },
    async handler(ctx) {
      const health = await options.client.getHealth({
        credentials: await ctx.getInitiatorCredentials(),
      });
      const wanted = ctx.input.cluster;
      const checked = wanted
        ? health.clusters.filter(c => c.name === wanted)
        : health.clusters;
      if (wanted && checked.length === 0) {
        throw new Error(
          `Cluster "${wanted}" is not configured in Stagecraft; configured clusters: ${
            health.clusters.map(c => c.name).join(', ') || 'none'
          }`,
        );
      }
      for (const c of checked) {
        ctx.logger.info(
          c.reachable
            ? `Cluster ${c.name}: reachable (Kubernetes ${c.version}, ${c.latencyMs} ms)`
            : `Cluster ${c.name}: unreachable (${c.error})`,
        );
      }
      ctx.output(
        'clusters',
        checked.map(({ name, reachable, version }) => ({
          name,
          reachable,
          ...(version && { version }),
        })),
      );
      const down = checked.filter(c => !c.reachable);
      if (down.length) {
        throw new Error(
          `Cluster${down.length > 1 ? 's' : ''} ${down
            .map(c => `${c.name} (${c.error})`)
            .join(', ')} not reachable`,
        );
      }
    },
  });
}
