import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Tear down a preview created by another run',
    example: `steps:
  - id: teardown
    action: stagecraft:teardown
    input:
      taskId: \${{ parameters.taskId }}`,
  },
];
