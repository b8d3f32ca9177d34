import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Deploy a new image and wait for it',
    example: `steps:
  - id: deploy
    action: stagecraft:deploy
    input:
      component: component:default/checkout
      environment: payments-dev
      image: "1.4.3"
      wait: true`,
  },
];
