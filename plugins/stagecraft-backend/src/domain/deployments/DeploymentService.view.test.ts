import type { Actor } from '../ports';
import { env, pod, revision } from './__testUtils__/statusFixtures';
import type { WorkloadObjects } from './status';
import { DeploymentService } from './DeploymentService';
import { etagOf, StatusViews } from './statusViews';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const eve: Actor = { ref: 'user:default/eve', credentials: {} };

type Change = { cluster: string; namespace: string; kubernetesId: string };

function setup() {
  const envs = new Map([
    ['svc-dev', env('svc-dev', 'development')],
    ['svc-prod', env('svc-prod', 'production')],
  ]);
  const objects = new Map<string, WorkloadObjects>();
  const listeners = new Set<(c: Change) => void>();
  const counts = { storeReads: 0, observed: 0 };
  const service = new DeploymentService({
    readCacheMs: 1000,
    environments: { getEnvironment: async (n: string) => envs.get(n) },
    deployments: {
      listCurrent: async () => {
        counts.storeReads++;
        return [revision('svc-dev'), revision('svc-prod')];
      },
    },
    authorizer: {
      // eve may not read production
      authorize: async (a: Actor, _x: string, r?: string[]) =>
        (r ?? []).map(e => a.ref !== eve.ref || e !== 'svc-prod'),
    },
    observer: {
      observe: (_c: string, ns: string, id: string) => {
        counts.observed++;
        return objects.get(`${ns}/${id}`) ?? { replicaSets: [], pods: [] };
      },
      syncedAt: () => undefined,
      subscribe: (l: (c: Change) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
  } as unknown as ConstructorParameters<typeof DeploymentService>[0]);
  const change = (namespace: string, kubernetesId = 'svc') =>
    listeners.forEach(l => l({ cluster: 'c1', namespace, kubernetesId }));
  return { service, objects, change, counts };
}

describe('DeploymentService.deploymentsView', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is the deployments serialised, with a strong ETag of that body', async () => {
    const { service } = setup();
    const view = await service.deploymentsView(bob, 'svc');
    expect(JSON.parse(view.body)).toEqual({
      items: await service.deployments(bob, 'svc'),
    });
    expect(view.etag).toBe(etagOf(view.body));
    expect(view.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('a repeated view is neither rebuilt nor serialised again until the component changes', async () => {
    const { service, objects, change, counts } = setup();
    const first = await service.deploymentsView(bob, 'svc');
    const observed = counts.observed;
    for (let i = 0; i < 100; i++) {
      expect(await service.deploymentsView(bob, 'svc')).toBe(first);
    }
    expect(counts.observed).toBe(observed);
    // another component's objects change: still the same view
    change('svc-dev', 'other');
    expect(await service.deploymentsView(bob, 'svc')).toBe(first);
    // its own pods change: a new body and a new ETag at once
    objects.set('svc-dev/svc', {
      replicaSets: [],
      pods: [pod('svc-1', true), pod('svc-2', false)],
    } as unknown as WorkloadObjects);
    change('svc-dev');
    const next = await service.deploymentsView(bob, 'svc');
    expect(next.etag).not.toBe(first.etag);
    const dev = JSON.parse(next.body).items.find(
      (d: any) => d.environment === 'svc-dev',
    );
    expect(dev.status.pods).toMatchObject({ total: 2, ready: 1 });
    // a change that leaves the same state gives the same ETag (a client's 304 holds)
    change('svc-dev');
    expect((await service.deploymentsView(bob, 'svc')).etag).toBe(next.etag);
  });

  it('lives no longer than the store reads it is built from', async () => {
    const { service, counts } = setup();
    const first = await service.deploymentsView(bob, 'svc');
    const reads = counts.storeReads;
    await jest.advanceTimersByTimeAsync(999);
    expect(await service.deploymentsView(bob, 'svc')).toBe(first);
    await jest.advanceTimersByTimeAsync(2);
    const later = await service.deploymentsView(bob, 'svc');
    expect(later).not.toBe(first);
    expect(later.etag).toBe(first.etag);
    expect(counts.storeReads).toBe(reads + 1);
  });

  it('each reader gets the view of what they may read', async () => {
    const { service } = setup();
    const envsOf = async (a: Actor) =>
      JSON.parse((await service.deploymentsView(a, 'svc')).body).items.map(
        (d: any) => d.environment,
      );
    expect(await envsOf(bob)).toEqual(['svc-dev', 'svc-prod']);
    expect(await envsOf(eve)).toEqual(['svc-dev']);
    expect(await envsOf(bob)).toEqual(['svc-dev', 'svc-prod']);
  });
});

describe('StatusViews', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const built =
    (items: unknown[], ids = ['svc']) =>
    async () => ({
      items,
      ids,
    });

  it("forgets a component's views when this replica writes it", async () => {
    const views = new StatusViews(60_000);
    const a = await views.get('k1', 'component:default/svc', built([1]));
    const b = await views.get('k2', 'component:default/other', built([2]));
    views.forgetComponent('component:default/svc');
    expect(await views.get('k1', 'component:default/svc', built([3]))).not.toBe(
      a,
    );
    expect(await views.get('k2', 'component:default/other', built([4]))).toBe(
      b,
    );
  });

  it('with ttl 0 builds every view afresh', async () => {
    const views = new StatusViews(0);
    const build = jest.fn(built([1]));
    await views.get('k', 'component:default/svc', build);
    await views.get('k', 'component:default/svc', build);
    expect(build).toHaveBeenCalledTimes(2);
  });
});
