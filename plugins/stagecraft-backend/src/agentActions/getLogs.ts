import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { actorOf } from '../actorOf';
import {
  AgentActionServices,
  componentInput,
  environmentInput,
} from './shared';

/** At most this many lines reach the model (the backend's limits apply too). */
const MAX_AGENT_LINES = 1000;

/** `stagecraft.get-logs`: the last lines of a component's containers. */
export function registerGetLogs(
  registry: ActionsRegistryService,
  { logs }: AgentActionServices,
) {
  registry.register({
    name: 'get-logs',
    title: 'Get container logs',
    description: `The last log lines of a component's containers in one Stagecraft environment, merged in time order across the pods of the running release (or one pod / container when named). Use "previous: true" to read the instance before the last restart, which is where a CrashLoopBackOff's error usually is. Read-only; needs the logs.read permission on the environment. At most ${MAX_AGENT_LINES} lines.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          component: componentInput(z),
          environment: environmentInput(z, 'Where the component runs'),
          pod: z.string().optional().describe('Only this pod'),
          container: z.string().optional().describe('Only this container'),
          previous: z
            .boolean()
            .optional()
            .describe('Read the previous (terminated) container instance'),
          tailLines: z
            .number()
            .int()
            .min(1)
            .max(MAX_AGENT_LINES)
            .optional()
            .describe('Lines per container (default 200)'),
          sinceSeconds: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('Only lines newer than this many seconds'),
        }),
      output: z =>
        z.object({
          pods: z.array(
            z.object({
              name: z.string(),
              phase: z.string(),
              current: z.boolean(),
              containers: z.array(
                z.object({ name: z.string(), restartCount: z.number() }),
              ),
            }),
          ),
          lines: z.array(
            z.object({
              pod: z.string(),
              container: z.string(),
              time: z.string(),
              text: z.string(),
            }),
          ),
          notices: z
            .array(z.string())
            .optional()
            .describe('Containers that could not be read, and why'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { component, tailLines, sinceSeconds, previous, ...rest } = input;
      // the same query the logs route takes (strings, as in a query string)
      const result = await logs.read(actorOf(credentials), component, {
        ...rest,
        tailLines: String(tailLines ?? 200),
        ...(sinceSeconds !== undefined && {
          sinceSeconds: String(sinceSeconds),
        }),
        ...(previous !== undefined && { previous: String(previous) }),
      });
      return {
        output: {
          pods: result.pods.map(p => ({
            name: p.name,
            phase: p.phase,
            current: p.current,
            containers: p.containers.map(c => ({
              name: c.name,
              restartCount: c.restartCount,
            })),
          })),
          lines: result.lines.slice(-MAX_AGENT_LINES).map(l => ({
            pod: l.pod,
            container: l.container,
            time: l.time,
            text: l.text,
          })),
          ...(result.notices && { notices: result.notices }),
        },
      };
    },
  });
}
