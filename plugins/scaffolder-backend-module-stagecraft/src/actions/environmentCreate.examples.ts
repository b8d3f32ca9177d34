import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'A preview environment for a pull request',
    example: `steps:
  - id: env
    action: stagecraft:environment:create
    input:
      name: payments-pr-42
      type: preview
      owner: group:default/payments
      ttl: 48h`,
  },
];
