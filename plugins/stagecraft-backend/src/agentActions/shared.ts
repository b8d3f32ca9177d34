import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type { DeployResult } from '@stagecraft/backstage-plugin-stagecraft-common';
import { actorOf } from '../actorOf';
import type { DeploymentService } from '../domain/deployments/DeploymentService';
import type { EnvironmentService } from '../domain/environments/EnvironmentService';
import type { LogsService } from '../domain/observability/LogsService';

/** The zod the actions registry hands to schema builders (zod v3). */
export type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

/** The use cases the agent actions open a door to (the router's). */
export interface AgentActionServices {
  environments: EnvironmentService;
  deployments: DeploymentService;
  logs: LogsService;
}

export const componentInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .describe(
      'The Backstage component: an entity ref such as "component:default/payments-api", or just its name ("payments-api") in the default namespace.',
    );

export const environmentInput = (z: Zod, what: string) =>
  z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .describe(
      `${what}: a Stagecraft environment name such as "payments-staging" (list them with stagecraft.list-environments).`,
    );

export const dryRunInput = (z: Zod) =>
  z
    .boolean()
    .optional()
    .describe(
      'true: change nothing; the cluster validates the change server-side and the answer shows the diff and every object it would write. Use it first, show the user the diff, then run again without dryRun.',
    );

/** The answer of deploy / promote / rollback, the same for all three. */
export const deployOutput = (z: Zod) =>
  z.object({
    outcome: z
      .enum(['dry-run', 'applied', 'pending-approval'])
      .describe(
        'dry-run: nothing changed; applied: a new revision runs; pending-approval: the environment needs approval, nothing was applied, the approvers are asked',
      ),
    release: z.object({ id: z.string(), image: z.string() }),
    revision: z
      .object({
        revision: z.number(),
        actor: z.string(),
        at: z.string(),
        changed: z.array(z.string()),
      })
      .optional()
      .describe(
        'The revision this change made (absent for dry runs and pending approvals)',
      ),
    approval: z
      .object({
        id: z.string(),
        group: z.string(),
        required: z.number(),
        state: z.string(),
      })
      .optional()
      .describe(
        'The approval request waiting, when outcome is pending-approval',
      ),
    objects: z
      .array(
        z.object({ kind: z.string(), name: z.string(), change: z.string() }),
      )
      .optional()
      .describe(
        'Objects a dry run would write and how (create, update, unchanged)',
      ),
    diff: z
      .string()
      .describe(
        'Unified diff of live against desired objects (cut at 20000 characters)',
      ),
  });

const DIFF_MAX = 20_000;

/** A DeployResult as the agent reads it: no secrets (there are none), bounded. */
export function toDeployOutput(result: DeployResult) {
  let outcome: 'dry-run' | 'applied' | 'pending-approval' = 'applied';
  if (result.dryRun) outcome = 'dry-run';
  else if (result.pending) outcome = 'pending-approval';
  return {
    outcome,
    release: { id: result.release.id, image: result.release.image },
    ...(result.revision && {
      revision: {
        revision: result.revision.revision,
        actor: result.revision.actor,
        at: result.revision.at,
        changed: result.revision.changed,
      },
    }),
    ...(result.pending && {
      approval: {
        id: result.pending.id,
        group: result.pending.group,
        required: result.pending.required,
        state: result.pending.state,
      },
    }),
    ...(result.objects && {
      objects: result.objects.map(o => ({
        kind: o.kind,
        name: o.name,
        change: o.change,
      })),
    }),
    diff:
      result.diff.length > DIFF_MAX
        ? `${result.diff.slice(0, DIFF_MAX)}\n… (truncated)`
        : result.diff,
  };
}

/** Sentence every write action's description ends with. */
export const WRITE_RULES =
  'It runs as the calling user: the same permissions, approvals, deployment windows and audit apply as for a click in Backstage, so it can be refused (not allowed, window closed) or end up waiting for approval. Supports dryRun.';

/** What deploy, promote and rollback each say for themselves. */
export interface WriteAction {
  verb: 'deploy' | 'promote' | 'rollback';
  title: string;
  /** Ends with WRITE_RULES when registered. */
  description: string;
  idempotent: boolean;
  /** The input: `component` and the route's body. */
  input: WriteOptions['schema']['input'];
  examples?: WriteOptions['examples'];
}

type WriteOptions = Parameters<ActionsRegistryService['register']>[0];

/**
 * Registers deploy, promote or rollback: a write action (not read-only, not
 * destructive) answering deployOutput, whose handler passes the input without
 * `component` as the route's body to the route's use case.
 */
export function registerWrite(
  registry: ActionsRegistryService,
  { deployments }: AgentActionServices,
  logger: { info(message: string): void },
  { verb, title, description, idempotent, input, examples }: WriteAction,
) {
  registry.register({
    name: verb,
    title,
    description: `${description} ${WRITE_RULES}`,
    attributes: { readOnly: false, destructive: false, idempotent },
    schema: { input, output: deployOutput },
    ...(examples && { examples }),
    action: async ({ input: { component, ...body }, credentials }) => {
      const result = await deployments[verb](
        actorOf(credentials),
        component,
        body,
        msg => logger.info(`agent ${verb} ${component}: ${msg}`),
      );
      return { output: toDeployOutput(result) };
    },
  });
}
