import {
  componentInput,
  dryRunInput,
  environmentInput,
  WriteAction,
} from './shared';

/** `stagecraft.deploy`: the component's workload (optionally another image) to an environment. */
export const deployAction: WriteAction = {
  verb: 'deploy',
  title: 'Deploy a component',
  description: `Deploys a Backstage component to one Stagecraft environment: renders its Score workload with the environment's configuration, secrets and resources and applies it to the cluster, recording a new revision. Give "image" to deploy another image (a full reference, or just a tag such as "1.4.2" to keep the repository); without it the running images stay and only configuration changes. To move an already tested release to the next stage, use stagecraft.promote instead.`,
  idempotent: true,
  input: z =>
    z.object({
      component: componentInput(z),
      environment: environmentInput(z, 'Where to deploy'),
      image: z
        .string()
        .regex(/^\S+$/)
        .optional()
        .describe(
          'Image reference or tag to run, e.g. "registry.example.com/acme/payments:1.4.2" or "1.4.2"',
        ),
      replicas: z
        .number()
        .int()
        .min(0)
        .max(1000)
        .optional()
        .describe('Replicas to run (default: as now, 1 for a first deploy)'),
      dryRun: dryRunInput(z),
    }),
  examples: [
    {
      title: 'Preview a deploy of a new tag to staging',
      input: {
        component: 'component:default/payments-api',
        environment: 'payments-staging',
        image: '1.4.2',
        dryRun: true,
      },
    },
  ],
};
