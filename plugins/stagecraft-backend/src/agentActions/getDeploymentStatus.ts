import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { actorOf } from '../actorOf';
import { AgentActionServices, componentInput } from './shared';

/** `stagecraft.get-deployment-status`: a component in every environment. */
export function registerGetDeploymentStatus(
  registry: ActionsRegistryService,
  { deployments }: AgentActionServices,
) {
  registry.register({
    name: 'get-deployment-status',
    title: 'Get deployment status',
    description: `Where a Backstage component runs and how it is doing: for every Stagecraft environment it is deployed in (only those the calling user may read), the current revision (release, image, who deployed it, when) and the live rollout status from the cluster (phase complete / progressing / failed / paused / missing, the failure reason such as ImagePullBackOff or CrashLoopBackOff, ready and desired replicas). Read-only; use it before and after stagecraft.deploy, stagecraft.promote or stagecraft.rollback to see the effect. An empty list means the component is not deployed anywhere the user can see.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ component: componentInput(z) }),
      output: z =>
        z.object({
          deployments: z.array(
            z.object({
              environment: z.string(),
              tier: z.string(),
              phase: z
                .string()
                .describe(
                  'complete, progressing, failed, paused, scaled-to-zero or missing',
                ),
              reason: z.string().optional(),
              message: z.string().optional(),
              release: z.string().optional(),
              image: z.string().optional(),
              replicas: z.object({
                desired: z.number(),
                ready: z.number(),
                available: z.number(),
              }),
              revision: z
                .object({
                  revision: z.number(),
                  action: z.string(),
                  actor: z.string(),
                  at: z.string(),
                })
                .optional(),
              promotesTo: z.string().optional(),
              clusterError: z
                .string()
                .optional()
                .describe(
                  'Set when the cluster cannot be read now: the status is the last one seen',
                ),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Status of a service',
        input: { component: 'component:default/payments-api' },
      },
    ],
    action: async ({ input, credentials }) => {
      const items = await deployments.deployments(
        actorOf(credentials),
        input.component,
      );
      return {
        output: {
          deployments: items.map(d => ({
            environment: d.environment,
            tier: d.tier,
            phase: d.paused ? 'paused' : d.status.phase,
            ...(d.status.reason && { reason: d.status.reason }),
            ...(d.status.message && { message: d.status.message }),
            ...(d.status.release && { release: d.status.release }),
            ...(d.status.image && { image: d.status.image }),
            replicas: {
              desired: d.status.replicas.desired,
              ready: d.status.replicas.ready,
              available: d.status.replicas.available,
            },
            ...(d.revision && {
              revision: {
                revision: d.revision.revision,
                action: d.revision.action,
                actor: d.revision.actor,
                at: d.revision.at,
              },
            }),
            ...(d.promotesTo && { promotesTo: d.promotesTo }),
            ...(d.status.clusterError && {
              clusterError: d.status.clusterError,
            }),
          })),
        },
      };
    },
  });
}
