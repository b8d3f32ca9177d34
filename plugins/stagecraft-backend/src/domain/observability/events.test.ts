import { belongsTo, summarize } from './events';
import type { KubeEvent } from './ports';

const ev = (
  over: Partial<KubeEvent> & { kind: string; name: string },
): KubeEvent => {
  const { kind, name, ...rest } = over;
  return {
    uid: Math.random().toString(36),
    type: 'Normal',
    reason: 'Scheduled',
    message: 'ok',
    involvedObject: { kind, name },
    count: 1,
    firstTimestamp: '2026-12-01T10:00:00Z',
    lastTimestamp: '2026-12-01T10:00:00Z',
    ...rest,
  };
};

describe('cluster events', () => {
  it('one entry per object, reason and message: counts summed, last time the latest, newest first', () => {
    const quota = {
      kind: 'ReplicaSet',
      name: 'hello-7d9f',
      type: 'Warning',
      reason: 'FailedCreate',
      message: 'exceeded quota',
    };
    const items = summarize([
      ev({ ...quota, count: 2, lastTimestamp: '2026-12-01T10:00:05Z' }),
      ev({
        kind: 'Pod',
        name: 'hello-7d9f-abcde',
        lastTimestamp: '2026-12-01T10:00:03Z',
      }),
      ev({
        ...quota,
        count: 3,
        firstTimestamp: '2026-12-01T09:59:00Z',
        lastTimestamp: '2026-12-01T10:00:09Z',
      }),
      // events.k8s.io style: eventTime and a series
      ev({
        kind: 'Pod',
        name: 'hello-7d9f-abcde',
        reason: 'BackOff',
        message: 'back-off',
        count: undefined,
        firstTimestamp: undefined,
        lastTimestamp: undefined,
        eventTime: '2026-12-01T10:00:01Z',
        seriesLastObserved: '2026-12-01T10:00:07Z',
        seriesCount: 4,
      }),
    ]);
    expect(items.map(i => [i.reason, i.count, i.lastTime])).toEqual([
      ['FailedCreate', 5, '2026-12-01T10:00:09Z'],
      ['BackOff', 4, '2026-12-01T10:00:07Z'],
      ['Scheduled', 1, '2026-12-01T10:00:03Z'],
    ]);
    expect(items[0]).toMatchObject({
      type: 'Warning',
      firstTime: '2026-12-01T09:59:00Z',
      object: { kind: 'ReplicaSet', name: 'hello-7d9f' },
    });
  });

  it("keeps a component's objects only, also its forgotten ReplicaSets and pods", () => {
    const mine = belongsTo({
      component: 'component:default/hello',
      name: 'hello',
      known: new Set(['StatefulSet/hello-db', 'Secret/hello-db']),
      statefulSets: ['hello-db'],
    });
    const keep = [
      ['Deployment', 'hello'],
      ['Service', 'hello'],
      ['ReplicaSet', 'hello-5b7c9d8f6'],
      ['Pod', 'hello-5b7c9d8f6-x2k9q'],
      ['StatefulSet', 'hello-db'],
      ['Pod', 'hello-db-0'],
    ];
    const drop = [
      ['Deployment', 'hello-worker'],
      ['ReplicaSet', 'hello-worker-5b7c9d8f6'],
      ['Pod', 'hello-worker-5b7c9d8f6-x2k9q'],
      ['ResourceQuota', 'quota'],
    ];
    expect(keep.filter(([kind, name]) => mine(ev({ kind, name })))).toEqual(
      keep,
    );
    expect(drop.filter(([kind, name]) => mine(ev({ kind, name })))).toEqual([]);
  });
});
