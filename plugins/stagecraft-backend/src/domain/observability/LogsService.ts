import {
  LogLine,
  LogSourcePod,
  LogsResponse,
  LogStreamEvent,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  ServiceUnavailableError,
  NotFoundError,
  TooManyRequestsError,
} from '../errors';
import { requireEnvironment } from '../input';
import type {
  Actor,
  DeploymentStore,
  EnvironmentRecord,
  UseCaseDeps,
  WorkloadObserver,
} from '../ports';
import { normalizeComponentRef } from '../deployments/DeploymentService';
import type { PodLogRequest, PodLogSource } from './ports';
import {
  ByteRate,
  FollowSlots,
  lastLines,
  mergeByTime,
  toLogLine,
} from './logLines';
import {
  DEFAULT_LOG_LIMITS,
  LogLimits,
  logSourcePods,
  ParsedLogQuery,
  parseLogQuery,
} from './logQuery';

export type { LogLimits, ParsedLogQuery } from './logQuery';
/** An open follow: the pods it reads, and the stream itself. */
export interface LogFollow {
  pods: LogSourcePod[];
  /**
   * Sends `pods`, then every line as it arrives, `notice`s, and `end` when
   * the logs end or a limit cuts them; stops without `end` when `signal`
   * aborts (the browser went away). Closes every cluster stream and frees
   * the follow's slot when it returns.
   */
  run(
    send: (event: LogStreamEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

type Source = { pod: string; container: string };

/**
 * Logs of a component's containers in an environment, read through the API
 * server: the pods come from the watch cache, every call is authorized with
 * `logs.read` on the environment. Log content is never logged nor audited.
 */
export class LogsService {
  private readonly limits: LogLimits;
  private readonly slots: FollowSlots;

  constructor(
    private readonly deps: UseCaseDeps & {
      deployments: DeploymentStore;
      observer: WorkloadObserver;
      logs: PodLogSource;
      limits?: Partial<LogLimits>;
    },
  ) {
    this.limits = { ...DEFAULT_LOG_LIMITS, ...deps.limits };
    this.slots = new FollowSlots({
      perUser: this.limits.maxFollowsPerUser,
      perBackend: this.limits.maxFollows,
    });
  }

  /** Follows open now (for tests and metrics). */
  openFollows(user?: string): number {
    return this.slots.open(user);
  }

  /** Validates the query before anything else (the router's format choice). */
  parse(query: unknown): ParsedLogQuery {
    return parseLogQuery(query, this.limits);
  }

  /** The last lines of the selected containers, merged in time order. */
  async read(
    actor: Actor,
    componentRef: unknown,
    query: unknown,
  ): Promise<LogsResponse & { notices?: string[] }> {
    const t = await this.target(actor, componentRef, query);
    const tail = t.query.tailLines ?? this.limits.defaultTailLines;
    // no lines asked for: the pods and containers only (the pickers)
    if (tail === 0) return { pods: t.pods, lines: [] };
    const controller = new AbortController();
    try {
      const results = await Promise.allSettled(
        t.sources.map(async s => {
          const lines: LogLine[] = [];
          const stream = await this.deps.logs.openPodLog(
            t.env.cluster,
            this.request(t, s, tail),
            controller.signal,
          );
          for await (const raw of stream) {
            lines.push(toLogLine(raw, s, this.limits.maxLineBytes));
          }
          return lines;
        }),
      );
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected'
          ? [{ source: t.sources[i], error: r.reason as Error }]
          : [],
      );
      const unavailable = failed.find(
        f => f.error?.name === 'ServiceUnavailableError',
      );
      if (unavailable) throw unavailable.error;
      if (failed.length && failed.length === t.sources.length)
        throw failed[0].error;
      const lines = mergeByTime(
        results.map(r => (r.status === 'fulfilled' ? r.value : [])),
      );
      return {
        pods: t.pods,
        lines: lastLines(lines, tail),
        ...(failed.length && {
          notices: failed.map(
            f => `${f.source.pod}/${f.source.container}: ${f.error.message}`,
          ),
        }),
      };
    } finally {
      controller.abort();
    }
  }

  /**
   * Checks and reserves a follow (400/403/404/429/503 before any byte is
   * streamed); the caller runs it.
   */
  async follow(
    actor: Actor,
    componentRef: unknown,
    query: unknown,
  ): Promise<LogFollow> {
    const t = await this.target(actor, componentRef, query);
    const slot = this.slots.acquire(actor.ref);
    if (typeof slot !== 'function') {
      throw new TooManyRequestsError(
        slot.refused === 'user'
          ? `${actor.ref} already follows ${this.limits.maxFollowsPerUser} logs; close one first`
          : `this backend already streams ${this.limits.maxFollows} logs; try again later`,
      );
    }
    return {
      pods: t.pods,
      run: (send, signal) => this.stream(t, send, signal).finally(slot),
    };
  }

  private async stream(
    t: Awaited<ReturnType<LogsService['target']>>,
    send: (event: LogStreamEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const controller = new AbortController();
    const stop = () => controller.abort();
    if (signal.aborted) return;
    signal.addEventListener('abort', stop, { once: true });
    let ended = false;
    const end = (reason: string) => {
      if (ended || signal.aborted) return;
      ended = true;
      send({ type: 'end', reason });
      controller.abort();
    };
    const rate = new ByteRate(this.limits.maxBytesPerSecond, () =>
      this.deps.clock.now().getTime(),
    );
    send({ type: 'pods', pods: t.pods });
    if (!t.sources.length) {
      send({
        type: 'notice',
        message: `no pod of ${t.component} runs in ${t.env.name}`,
      });
      end('no pods');
      signal.removeEventListener('abort', stop);
      return;
    }
    const tail =
      t.query.tailLines ?? Math.min(100, this.limits.defaultTailLines);
    try {
      await Promise.all(
        t.sources.map(async s => {
          try {
            const lines = await this.deps.logs.openPodLog(
              t.env.cluster,
              this.request(t, s, tail),
              controller.signal,
            );
            for await (const raw of lines) {
              if (controller.signal.aborted) break;
              const line = toLogLine(raw, s, this.limits.maxLineBytes);
              if (!rate.take(Buffer.byteLength(line.text, 'utf8') + 1)) {
                send({
                  type: 'notice',
                  message: `stream cut: more than ${this.limits.maxBytesPerSecond} bytes per second`,
                });
                end('rate limit');
                return;
              }
              send({ type: 'line', line });
            }
            if (!controller.signal.aborted && t.sources.length > 1) {
              send({
                type: 'notice',
                message: `${s.pod}/${s.container}: log ended`,
              });
            }
          } catch (e) {
            if (controller.signal.aborted) return;
            send({
              type: 'notice',
              message: `${s.pod}/${s.container}: ${(e as Error).message}`,
            });
          }
        }),
      );
      end('logs ended');
    } finally {
      controller.abort();
      signal.removeEventListener('abort', stop);
    }
  }

  private request(
    t: { query: ParsedLogQuery; env: EnvironmentRecord },
    s: Source,
    tailLines: number,
  ): PodLogRequest {
    return {
      namespace: t.env.namespace,
      pod: s.pod,
      container: s.container,
      follow: t.query.follow,
      previous: t.query.previous,
      tailLines,
      ...(t.query.sinceSeconds && { sinceSeconds: t.query.sinceSeconds }),
    };
  }

  /** Validation, permission, the environment, the component's pods (403 before 404). */
  private async target(actor: Actor, componentRef: unknown, rawQuery: unknown) {
    const component = normalizeComponentRef(componentRef);
    const query = this.parse(rawQuery);
    const env = await requireEnvironment(this.deps, actor, {
      action: 'logs.read',
      name: query.environment,
      targetKind: 'deployment',
      message: `${actor.ref} is not allowed to read logs in environment "${query.environment}"`,
    });
    const [revision] = await this.deps.deployments.listRevisions(
      component,
      env.name,
    );
    if (!revision || revision.action === 'remove') {
      throw new NotFoundError(`${component} is not deployed in ${env.name}`);
    }
    const down = this.deps.observer.clusterError?.(env.cluster);
    if (down) throw new ServiceUnavailableError(down);
    const kubernetesId = revision.kubernetesId ?? component.split('/')[1];
    const pods = logSourcePods(
      this.deps.observer.observe(env.cluster, env.namespace, kubernetesId),
    );
    if (!this.deps.observer.syncedAt(env.cluster) && !pods.length) {
      throw new ServiceUnavailableError(
        `cluster ${env.cluster}: the watch cache has not synced yet`,
      );
    }
    return {
      component,
      query,
      env,
      pods,
      sources: this.sources(pods, query),
    };
  }

  private sources(pods: LogSourcePod[], q: ParsedLogQuery): Source[] {
    let chosen = pods.filter(p => p.current);
    if (q.pod) {
      const pod = pods.find(p => p.name === q.pod);
      if (!pod)
        throw new NotFoundError(
          `pod "${q.pod}" is not one of this component's pods`,
        );
      chosen = [pod];
    } else if (!chosen.length) {
      chosen = pods;
    }
    const sources: Source[] = [];
    for (const pod of chosen) {
      if (q.container) {
        if (!pod.containers.some(c => c.name === q.container)) {
          if (q.pod) {
            throw new InputError([
              {
                field: 'container',
                message: `pod ${pod.name} has no container "${
                  q.container
                }" (it has ${pod.containers.map(c => c.name).join(', ')})`,
              },
            ]);
          }
          continue;
        }
        sources.push({ pod: pod.name, container: q.container });
        continue;
      }
      for (const c of pod.containers) {
        if (c.init) continue;
        // several pods: only the containers that have a previous instance
        if (q.previous && !q.pod && !c.hasPrevious) continue;
        sources.push({ pod: pod.name, container: c.name });
      }
    }
    if (q.container && !sources.length && chosen.length) {
      throw new InputError([
        {
          field: 'container',
          message: `no pod of this component has a container "${q.container}"`,
        },
      ]);
    }
    return sources;
  }
}
