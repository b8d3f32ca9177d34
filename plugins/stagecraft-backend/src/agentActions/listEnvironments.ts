import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { actorOf } from '../actorOf';
import type { AgentActionServices } from './shared';

/** `stagecraft.list-environments`: the environments the user may see. */
export function registerListEnvironments(
  registry: ActionsRegistryService,
  { environments }: AgentActionServices,
) {
  registry.register({
    name: 'list-environments',
    title: 'List environments',
    description: `Lists the Stagecraft environments (Kubernetes namespaces managed by Backstage) the calling user may see, with tier (development, staging, production, preview), type, owner group, cluster, namespace, phase, where a promotion goes next (promotesTo) and, for previews, when they expire. Read-only. Use the names it returns as "environment", "from" or "to" in the other Stagecraft actions. Optional filters narrow the list by tier or owner.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          tier: z
            .enum(['development', 'staging', 'production', 'preview'])
            .optional()
            .describe('Only environments of this tier'),
          owner: z
            .string()
            .optional()
            .describe(
              'Only environments owned by this entity ref, e.g. "group:default/payments"',
            ),
        }),
      output: z =>
        z.object({
          environments: z.array(
            z.object({
              name: z.string(),
              type: z.string(),
              tier: z.string(),
              owner: z.string(),
              system: z.string().optional(),
              cluster: z.string(),
              namespace: z.string(),
              phase: z.string(),
              message: z.string().optional(),
              promotesTo: z.string().optional(),
              expiresAt: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const all = await environments.list(actorOf(credentials));
      const owner = input.owner?.toLocaleLowerCase('en-US');
      return {
        output: {
          environments: all
            .filter(e => !input.tier || e.tier === input.tier)
            .filter(e => !owner || e.owner.toLocaleLowerCase('en-US') === owner)
            .map(e => ({
              name: e.name,
              type: e.type,
              tier: e.tier,
              owner: e.owner,
              ...(e.system && { system: e.system }),
              cluster: e.cluster,
              namespace: e.namespace,
              phase: e.phase,
              ...(e.message && { message: e.message }),
              ...(e.promotesTo && { promotesTo: e.promotesTo }),
              ...(e.expiresAt && { expiresAt: e.expiresAt }),
            })),
        },
      };
    },
  });
}
