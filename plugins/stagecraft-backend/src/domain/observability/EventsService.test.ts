import type { ClusterEventsResponse } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor, WorkloadObserver } from '../ports';
import { EventsService } from './EventsService';
import type { ClusterEventSource, KubeEvent } from './ports';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const C = 'component:default/hello';

const ev = (
  kind: string,
  name: string,
  reason: string,
  at: string,
): KubeEvent => ({
  uid: `${kind}/${name}/${reason}/${at}`,
  type: 'Warning',
  reason,
  message: `${reason} on ${name}`,
  involvedObject: { kind, name },
  count: 1,
  firstTimestamp: at,
  lastTimestamp: at,
});

function setup(allow = true) {
  let push: (events: KubeEvent[]) => void = () => undefined;
  const stopped = { count: 0 };
  const source: ClusterEventSource = {
    listEvents: async () => [
      ev('ReplicaSet', 'hello-5b7c9', 'FailedCreate', '2026-12-01T10:00:02Z'),
      ev('ReplicaSet', 'other-5b7c9', 'FailedCreate', '2026-12-01T10:00:03Z'),
    ],
    watchEvents: async (_c, _n, onEvents) => {
      push = onEvents;
      onEvents([]);
      return () => void (stopped.count += 1);
    },
  };
  const observer: WorkloadObserver = {
    observe: () => ({ replicaSets: [], pods: [] }),
    syncedAt: () => new Date(),
    subscribe: () => () => undefined,
  };
  const service = new EventsService({
    environments: {
      getEnvironment: async (n: string) =>
        n === 'dev'
          ? { name: 'dev', cluster: 'local', namespace: 'dev' }
          : undefined,
    } as any,
    deployments: {
      listRevisions: async (c: string) =>
        c === C ? [{ revision: 1, kubernetesId: 'hello' }] : [],
    } as any,
    observer,
    events: source,
    authorizer: {
      authorize: async (_a, _action, resources) =>
        (resources ?? [undefined]).map(() => allow),
    },
    auditor: { record: async () => undefined },
    coalesceMs: 200,
  });
  return { service, push: (e: KubeEvent[]) => push(e), stopped };
}

describe('EventsService', () => {
  afterEach(() => jest.useRealTimers());

  it("lists the component's events only; the environment's are all of them", async () => {
    const { service } = setup();
    const mine = await service.list(
      await service.component(bob, C, { environment: 'dev' }),
    );
    expect(mine.items.map(i => i.object.name)).toEqual(['hello-5b7c9']);
    expect(mine.items[0].component).toBe(C);
    const all = await service.list(
      await service.environmentScope(bob, 'dev', {}),
    );
    expect(all.items.map(i => i.object.name)).toEqual([
      'other-5b7c9',
      'hello-5b7c9',
    ]);
  });

  it('403 before 404, 400 naming the field', async () => {
    await expect(
      setup(false).service.environmentScope(bob, 'nope', {}),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(
      setup().service.environmentScope(bob, 'nope', {}),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    await expect(
      setup().service.component(bob, C, { environment: 'dev', watch: 'yes' }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'watch' })],
    });
  });

  it('watches: the answer at once, a burst coalesced into one update, nothing unchanged resent, stop closes the watch', async () => {
    jest.useFakeTimers();
    const { service, push, stopped } = setup();
    const updates: ClusterEventsResponse[] = [];
    const stop = await service.watch(
      await service.environmentScope(bob, 'dev', { watch: 'true' }),
      r => void updates.push(r),
      () => undefined,
    );
    expect(updates).toEqual([{ items: [] }]);
    const a = ev('Pod', 'hello-5b7c9-abcde', 'BackOff', '2026-12-01T10:00:01Z');
    const b = ev(
      'ReplicaSet',
      'hello-5b7c9',
      'FailedCreate',
      '2026-12-01T10:00:02Z',
    );
    push([a]);
    push([a, b]);
    jest.advanceTimersByTime(199);
    expect(updates).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(updates).toHaveLength(2);
    expect(updates[1].items.map(i => i.reason)).toEqual([
      'FailedCreate',
      'BackOff',
    ]);
    push([b, a]); // the same events again
    jest.advanceTimersByTime(200);
    expect(updates).toHaveLength(2);
    stop();
    push([]);
    jest.advanceTimersByTime(200);
    expect(updates).toHaveLength(2);
    expect(stopped.count).toBe(1);
  });
});
