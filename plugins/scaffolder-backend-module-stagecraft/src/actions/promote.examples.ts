import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Promote what runs in staging',
    example: `steps:
  - id: promote
    action: stagecraft:promote
    input:
      component: component:default/checkout
      from: payments-staging`,
  },
];
