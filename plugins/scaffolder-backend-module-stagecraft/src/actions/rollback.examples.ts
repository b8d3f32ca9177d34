import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Roll back to the previous release',
    example: `steps:
  - id: rollback
    action: stagecraft:rollback
    input:
      component: component:default/checkout
      environment: payments-dev`,
  },
];
