import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Tear down a preview',
    example: `steps:
  - id: teardown
    action: stagecraft:environment:delete
    input:
      name: payments-pr-42`,
  },
];
