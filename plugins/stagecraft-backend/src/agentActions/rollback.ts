import {
  componentInput,
  dryRunInput,
  environmentInput,
  WriteAction,
} from './shared';

/** `stagecraft.rollback`: an earlier release back into an environment. */
export const rollbackAction: WriteAction = {
  verb: 'rollback',
  title: 'Roll back a deployment',
  description: `Rolls a component in one environment back to an earlier release: by default the last release before the one running now; "revision" (a number from the history) or "releaseId" picks another. It records a new revision that runs the old release. Use stagecraft.get-deployment-status to see the current revision first.`,
  idempotent: false,
  input: z =>
    z.object({
      component: componentInput(z),
      environment: environmentInput(z, 'Where to roll back'),
      revision: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe(
          'The revision number to return to (default: the previous release)',
        ),
      releaseId: z
        .string()
        .regex(/^r-[0-9a-f]{12}$/)
        .optional()
        .describe('The release id to return to, e.g. "r-0123456789ab"'),
      dryRun: dryRunInput(z),
    }),
};
