import {
  componentInput,
  dryRunInput,
  environmentInput,
  WriteAction,
} from './shared';

/** `stagecraft.promote`: the exact release of one environment to the next. */
export const promoteAction: WriteAction = {
  verb: 'promote',
  title: 'Promote a release',
  description: `Promotes a component: deploys exactly the release running in "from" (same image and workload, nothing rebuilt) to the next environment of its promotion pipeline (development → staging → production), or to "to" when given. Promotions go up one tier at a time. Production usually requires approval: the answer is then pending-approval and nothing runs until an approver agrees.`,
  idempotent: true,
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
};
