import type { Actor } from '../ports';
import { domainHarness } from '../../__testUtils__/domainHarness';
import type { CatalogRegistrations } from './TeardownService';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };
const C = 'component:default/app';
const origin = {
  taskId: 'task-7',
  template: 'template:default/stagecraft-service',
};

/** A catalog holding what a "New service" run registered (a fake port). */
function fakeCatalog() {
  const registered = new Map([['component:default/app', 'task-7']]);
  const calls: string[] = [];
  const catalog: CatalogRegistrations = {
    registeredBy: async taskId =>
      [...registered]
        .filter(([, t]) => t === taskId)
        .map(([entityRef]) => ({ entityRef })),
    unregister: async (entityRef, actor) => {
      calls.push(`${actor.ref} unregisters ${entityRef}`);
      return registered.delete(entityRef);
    },
  };
  return { catalog, calls };
}

describe('TeardownService', () => {
  async function run() {
    const { catalog, calls } = fakeCatalog();
    const h = await domainHarness({ catalog });
    await h.provision([['shop-staging', 'staging']]);
    // what the run did: register (above), create its environment, deploy
    // there and into an environment it did not create
    await h.environments.create(alice, {
      name: 'app-dev',
      type: 'development',
      owner: 'group:default/team-a',
      origin,
    });
    await h.deployments.deploy(alice, C, { environment: 'app-dev', origin });
    await h.deployments.deploy(alice, C, {
      environment: 'shop-staging',
      origin,
    });
    return { h, calls };
  }

  it('plans every removal in reverse order of creation, catalog registration last', async () => {
    const { h } = await run();
    const plan = await h.teardown.plan(alice, 'task-7');
    expect(plan.steps?.map(s => [s.id, s.description])).toEqual([
      [`deployment:${C}@shop-staging`, `Remove ${C} from shop-staging`],
      [
        'environment:app-dev',
        'Delete environment app-dev (namespace app-dev) and its resources',
      ],
      [`catalog:${C}`, `Unregister ${C} from the catalog`],
    ]);
  });

  it('runs the steps with progress, unregisters with the caller, and a re-run finds nothing', async () => {
    const { h, calls } = await run();
    const progress: string[] = [];
    const result = await h.teardown.teardown(
      alice,
      'task-7',
      { confirm: true },
      m => progress.push(m),
    );
    expect(result.steps?.map(s => `${s.id} ${s.status}`)).toEqual([
      `deployment:${C}@shop-staging done`,
      'environment:app-dev done',
      `catalog:${C} done`,
    ]);
    expect(progress.filter(p => p.startsWith('step '))).toEqual([
      `step 1/3: Remove ${C} from shop-staging`,
      'step 2/3: Delete environment app-dev (namespace app-dev) and its resources',
      `step 3/3: Unregister ${C} from the catalog`,
    ]);
    expect(calls).toEqual([`user:default/alice unregisters ${C}`]);
    expect(await h.store.getEnvironment('app-dev')).toBeUndefined();
    expect(
      h.audits
        .filter(a => a.action === 'catalog.unregister')
        .map(a => a.target),
    ).toEqual([C]);
    const again = await h.teardown.plan(alice, 'task-7');
    expect(again.steps).toEqual([]);
  });

  it('one step at a time (what the scaffolder action does); a step already gone is skipped', async () => {
    const { h } = await run();
    const plan = await h.teardown.plan(alice, 'task-7');
    const first = await h.teardown.teardown(alice, 'task-7', {
      confirm: true,
      step: plan.steps![0].id,
    });
    expect(first.steps?.map(s => s.status)).toEqual([
      'done',
      undefined,
      undefined,
    ]);
    const repeat = await h.teardown.teardown(alice, 'task-7', {
      confirm: true,
      step: plan.steps![0].id,
    });
    expect(repeat.steps).toEqual([
      expect.objectContaining({ id: plan.steps![0].id, status: 'skipped' }),
    ]);
  });
});
