import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Wait for the rollout of a release',
    example: `steps:
  - id: wait
    action: stagecraft:wait
    input:
      environment: payments-dev
      component: component:default/checkout
      releaseId: \${{ steps.deploy.output.releaseId }}
      timeoutSeconds: 300`,
  },
];
