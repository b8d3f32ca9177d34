import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'Publish, then register in the catalog',
    example: `steps:
  - id: publish
    action: stagecraft:publish:local
    input:
      repo: \${{ parameters.name }}
  - id: register
    action: catalog:register
    input:
      catalogInfoUrl: \${{ steps.publish.output.catalogInfoUrl }}`,
  },
];
