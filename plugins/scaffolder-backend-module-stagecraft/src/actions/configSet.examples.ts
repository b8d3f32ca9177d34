import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** What the action's documentation shows; `examples.test.ts` runs each. */
export const examples: TemplateExample[] = [
  {
    description: 'A log level and an API token from the template secrets',
    example: `steps:
  - id: config
    action: stagecraft:config:set
    input:
      environment: payments-dev
      component: component:default/checkout
      values:
        LOG_LEVEL: debug
      secrets:
        API_TOKEN: apiToken   # the name of a secret of this task`,
  },
];
