import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Fail early when the target cluster is down',
    example: `steps:
  - id: preflight
    name: Check the cluster
    action: stagecraft:cluster:check
    input:
      cluster: local`,
  },
];
