import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  AgentActionServices,
  componentInput,
  deployOutput,
  dryRunInput,
  environmentInput,
  WRITE_RULES,
  writeHandler,
} from './shared';

/** `stagecraft.promote`: the exact release of one environment to the next. */
export function registerPromote(
  registry: ActionsRegistryService,
  services: AgentActionServices,
  logger: { info(message: string): void },
) {
  registry.register({
    name: 'promote',
    title: 'Promote a release',
    description: `Promotes a component: deploys exactly the release running in "from" (same image and workload, nothing rebuilt) to the next environment of its promotion pipeline (development → staging → production), or to "to" when given. Promotions go up one tier at a time. Production usually requires approval: the answer is then pending-approval and nothing runs until an approver agrees. ${WRITE_RULES}`,
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          component: componentInput(z),
          from: environmentInput(
            z,
            'The environment whose running release to promote',
          ),
          to: environmentInput(
            z,
            "Target (default: the pipeline's next stage)",
          ).optional(),
          dryRun: dryRunInput(z),
        }),
      output: deployOutput,
    },
    action: ctx => writeHandler(services, 'promote', logger)(ctx),
  });
}
