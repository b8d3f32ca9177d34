import type { EnvironmentDeployment } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor } from '../ports';
import { env, pod, revision } from './__testUtils__/statusFixtures';
import type { WorkloadObjects } from './status';
import { DeploymentService } from './DeploymentService';

const actor: Actor = { ref: 'user:default/bob', credentials: {} };

function setup() {
  const envs = new Map([
    ['svc-dev', env('svc-dev', 'development')],
    ['svc-prod', env('svc-prod', 'production')],
  ]);
  const objects = new Map<string, WorkloadObjects>();
  let listener: (c: {
    cluster: string;
    namespace: string;
    kubernetesId: string;
  }) => void = () => undefined;
  let storeReads = 0;
  const service = new DeploymentService({
    readCacheMs: 0,
    environments: { getEnvironment: async (n: string) => envs.get(n) },
    deployments: {
      listCurrent: async () => {
        storeReads++;
        return [revision('svc-dev'), revision('svc-prod')];
      },
    },
    authorizer: {
      authorize: async (_a: Actor, _x: string, r?: string[]) =>
        (r ?? []).map(() => true),
    },
    observer: {
      observe: (_c: string, ns: string, id: string) =>
        objects.get(`${ns}/${id}`) ?? { replicaSets: [], pods: [] },
      syncedAt: () => undefined,
      subscribe: (l: typeof listener) => {
        listener = l;
        return () => {
          listener = () => undefined;
        };
      },
    },
  } as unknown as ConstructorParameters<typeof DeploymentService>[0]);
  return {
    service,
    objects,
    change: (namespace: string, kubernetesId = 'svc') =>
      listener({ cluster: 'c1', namespace, kubernetesId }),
    storeReads: () => storeReads,
  };
}

/**
 * Let `ms` of (fake) time pass: the coalescing timers fire exactly then, and
 * the store reads they start settle, however busy the machine is.
 */
const wait = async (ms: number) => {
  await jest.advanceTimersByTimeAsync(ms);
};

describe('DeploymentService.watch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('coalesces a burst into one update per changed environment, and ignores other components', async () => {
    const { service, objects, change, storeReads } = setup();
    const updates: EnvironmentDeployment[] = [];
    const stop = service.watch(actor, 'svc', d => updates.push(d), 20);
    await wait(5);
    const readsAtStart = storeReads();
    // other components' changes cost nothing
    for (let i = 0; i < 1000; i++) change('svc-dev', `other-${i}`);
    await wait(40);
    expect(storeReads()).toBe(readsAtStart);
    expect(updates).toEqual([]);
    // a burst of 500 pod changes in one environment
    for (let i = 0; i < 500; i++) {
      objects.set('svc-dev/svc', {
        replicaSets: [],
        pods: [pod('p1', i % 2 === 0), pod('p2', true)],
      });
      change('svc-dev');
    }
    await wait(60);
    expect(storeReads()).toBe(readsAtStart + 1);
    expect(updates.map(u => u.environment)).toEqual(['svc-dev']);
    expect(updates[0].status.pods).toMatchObject({ total: 2, ready: 1 });
    // the same state again is not sent again
    change('svc-dev');
    await wait(40);
    expect(updates).toHaveLength(1);
    // a real change is
    objects.set('svc-dev/svc', {
      replicaSets: [],
      pods: [pod('p1', true), pod('p2', true)],
    });
    change('svc-dev');
    change('svc-prod');
    await wait(40);
    expect(updates.map(u => u.environment)).toEqual([
      'svc-dev',
      'svc-dev',
      'svc-prod',
    ]);
    stop();
    change('svc-dev');
    await wait(40);
    expect(updates).toHaveLength(3);
  });
});
