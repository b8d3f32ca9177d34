import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'A ConfigMap into the dev environment',
    example: `steps:
  - id: apply
    action: stagecraft:apply
    input:
      environment: payments-dev
      manifest: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: feature-flags
        data:
          checkout.newFlow: "true"`,
  },
  {
    description: 'Manifests rendered into the workspace',
    example: `steps:
  - id: apply
    action: stagecraft:apply
    input:
      environment: payments-dev
      path: ./k8s/extra.yaml`,
  },
];
