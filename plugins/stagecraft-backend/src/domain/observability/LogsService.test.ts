import type { LogStreamEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor, KubeObject, WorkloadObserver } from '../ports';
import { LogsService } from './LogsService';
import type { PodLogRequest, PodLogSource } from './ports';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const C = 'component:default/hello';

const pod = (name: string, hash = 'abc'): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'pod-template-hash': hash } },
    status: { phase: 'Running' },
    logContainers: [{ name: 'main', restartCount: 0, hasPrevious: false }],
  } as KubeObject);

/** A log source whose lines the test pushes; remembers open streams. */
class FakeLogs implements PodLogSource {
  readonly open = new Map<string, { push(l: string): void; end(): void }>();
  readonly requests: PodLogRequest[] = [];
  constructor(private readonly backlog: Record<string, string[]> = {}) {}
  async openPodLog(_c: string, r: PodLogRequest, signal: AbortSignal) {
    this.requests.push(r);
    const queue = [...(this.backlog[r.pod] ?? [])];
    let wake: (() => void) | undefined;
    let ended = !r.follow;
    const key = `${r.pod}/${r.container}`;
    this.open.set(key, {
      push: l => {
        queue.push(l);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    });
    signal.addEventListener('abort', () => wake?.());
    const open = this.open;
    const next = () =>
      new Promise<void>(r2 => {
        wake = r2;
      });
    return (async function* lines() {
      try {
        for (;;) {
          while (queue.length) yield queue.shift()!;
          if (ended || signal.aborted) return;
          await next();
        }
      } finally {
        open.delete(key);
      }
    })();
  }
}

function setup(
  options: {
    allow?: boolean;
    clusterError?: string;
    logs?: FakeLogs;
    limits?: object;
    now?: () => number;
  } = {},
) {
  const logs = options.logs ?? new FakeLogs();
  const observer: WorkloadObserver = {
    observe: () => ({
      deployment: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'hello',
          annotations: { 'deployment.kubernetes.io/revision': '2' },
        },
      },
      replicaSets: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: 'hello-abc',
            labels: { 'pod-template-hash': 'abc' },
            annotations: { 'deployment.kubernetes.io/revision': '2' },
          },
        },
      ],
      pods: [pod('hello-abc-1'), pod('hello-abc-2'), pod('hello-old-1', 'old')],
    }),
    syncedAt: () => new Date(),
    clusterError: () => options.clusterError,
    subscribe: () => () => undefined,
  };
  const env = {
    name: 'dev',
    cluster: 'local',
    namespace: 'dev',
    tier: 'development',
  };
  const service = new LogsService({
    environments: {
      getEnvironment: async (n: string) => (n === 'dev' ? env : undefined),
    } as any,
    deployments: {
      listRevisions: async (c: string) =>
        c === C
          ? [{ revision: 1, action: 'deploy', kubernetesId: 'hello' }]
          : [],
    } as any,
    observer,
    logs,
    authorizer: {
      authorize: async (_a, _action, resources) =>
        (resources ?? [undefined]).map(() => options.allow ?? true),
    },
    auditor: { record: async () => undefined },
    clock: {
      now: () => new Date(options.now?.() ?? Date.now()),
      sleep: async () => undefined,
    },
    limits: options.limits,
  });
  return { service, logs };
}

const collect = () => {
  const events: LogStreamEvent[] = [];
  return { events, send: (e: LogStreamEvent) => void events.push(e) };
};

describe('LogsService', () => {
  it('refuses a bad query with 400 naming the field, before anything else', async () => {
    const { service } = setup({ allow: false });
    await expect(
      service.read(bob, C, { environment: 'dev', tailLines: 'ten' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [expect.objectContaining({ field: 'tailLines' })],
    });
    await expect(
      service.read(bob, C, { environment: 'dev', colour: 'red' }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'colour' })],
    });
  });

  it('403 before 404, 404 for an unknown environment or component, 503 for a cluster down', async () => {
    await expect(
      setup({ allow: false }).service.read(bob, C, { environment: 'nope' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(
      setup().service.read(bob, C, { environment: 'nope' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(
      setup().service.read(bob, 'component:default/other', {
        environment: 'dev',
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      setup({ clusterError: 'cluster local unavailable' }).service.read(
        bob,
        C,
        { environment: 'dev' },
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
  });

  it("merges the current release's pods in time order and lists every pod", async () => {
    const logs = new FakeLogs({
      'hello-abc-1': [
        '2026-12-01T10:00:00.1Z one',
        '2026-12-01T10:00:00.3Z three',
      ],
      'hello-abc-2': ['2026-12-01T10:00:00.2Z two'],
      'hello-old-1': ['2026-12-01T09:00:00Z old'],
    });
    const { service } = setup({ logs });
    const res = await service.read(bob, C, {
      environment: 'dev',
      tailLines: '2',
    });
    expect(res.lines).toEqual([
      {
        pod: 'hello-abc-2',
        container: 'main',
        time: '2026-12-01T10:00:00.2Z',
        text: 'two',
      },
      {
        pod: 'hello-abc-1',
        container: 'main',
        time: '2026-12-01T10:00:00.3Z',
        text: 'three',
      },
    ]);
    expect(res.pods.map(p => [p.name, p.current])).toEqual([
      ['hello-abc-1', true],
      ['hello-abc-2', true],
      ['hello-old-1', false],
    ]);
    expect(logs.requests.map(r => r.pod).sort()).toEqual([
      'hello-abc-1',
      'hello-abc-2',
    ]);
  });

  it('follows: pods first, then lines as they come, and closes the streams on abort', async () => {
    const { service, logs } = setup();
    const follow = await service.follow(bob, C, {
      environment: 'dev',
      pod: 'hello-abc-1',
      follow: 'true',
    });
    const { events, send } = collect();
    const controller = new AbortController();
    const done = follow.run(send, controller.signal);
    await new Promise(r => setImmediate(r));
    logs.open.get('hello-abc-1/main')!.push('2026-12-01T10:00:01Z appended');
    await new Promise(r => setImmediate(r));
    expect(events.map(e => e.type)).toEqual(['pods', 'line']);
    expect(service.openFollows(bob.ref)).toBe(1);
    controller.abort();
    await done;
    expect(logs.open.size).toBe(0);
    expect(service.openFollows()).toBe(0);
  });

  it('refuses a sixth follow of one user (429) until one closes', async () => {
    const { service } = setup({ limits: { maxFollowsPerUser: 5 } });
    const q = { environment: 'dev', follow: 'true' };
    const follows = await Promise.all(
      [1, 2, 3, 4, 5].map(() => service.follow(bob, C, q)),
    );
    await expect(service.follow(bob, C, q)).rejects.toMatchObject({
      name: 'TooManyRequestsError',
    });
    const controller = new AbortController();
    const run = follows[0].run(() => undefined, controller.signal);
    controller.abort();
    await run;
    await expect(service.follow(bob, C, q)).resolves.toBeDefined();
  });

  it('cuts a stream sending more bytes per second than allowed: a notice, then end', async () => {
    let now = 0;
    const { service, logs } = setup({
      limits: { maxBytesPerSecond: 20 },
      now: () => now,
    });
    const follow = await service.follow(bob, C, {
      environment: 'dev',
      pod: 'hello-abc-1',
      follow: 'true',
    });
    const { events, send } = collect();
    const done = follow.run(send, new AbortController().signal);
    await new Promise(r => setImmediate(r));
    const stream = logs.open.get('hello-abc-1/main')!;
    stream.push('2026-12-01T10:00:01Z 0123456789');
    await new Promise(r => setImmediate(r));
    now = 1500; // a new second: the budget is back
    stream.push('2026-12-01T10:00:02Z 0123456789');
    stream.push('2026-12-01T10:00:02Z 0123456789');
    await done;
    expect(events.map(e => e.type)).toEqual([
      'pods',
      'line',
      'line',
      'notice',
      'end',
    ]);
    expect(events[3]).toEqual({
      type: 'notice',
      message: 'stream cut: more than 20 bytes per second',
    });
    expect(events[4]).toEqual({ type: 'end', reason: 'rate limit' });
    expect(logs.open.size).toBe(0);
    expect(service.openFollows()).toBe(0);
  });
});
