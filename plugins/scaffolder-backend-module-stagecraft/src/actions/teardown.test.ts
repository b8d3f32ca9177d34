import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { TeardownStep } from '@stagecraft/backstage-plugin-stagecraft-common';
import { createTeardownAction } from './teardown';

const steps: TeardownStep[] = [
  {
    id: 'deployment:component:default/checkout@payments-dev',
    kind: 'deployment',
    target: 'component:default/checkout@payments-dev',
    description: 'Remove component:default/checkout from payments-dev',
  },
  {
    id: 'environment:checkout-pr-7',
    kind: 'environment',
    target: 'checkout-pr-7',
    description:
      'Delete environment checkout-pr-7 (namespace checkout-pr-7) and its resources',
  },
  {
    id: 'catalog:component:default/checkout',
    kind: 'catalog',
    target: 'component:default/checkout',
    description: 'Unregister component:default/checkout from the catalog',
  },
];
const plan = {
  taskId: 'task-1',
  environments: [
    { name: 'checkout-pr-7', namespace: 'checkout-pr-7', tier: 'preview' },
  ],
  deployments: [
    { component: 'component:default/checkout', environment: 'payments-dev' },
  ],
  catalog: [{ entityRef: 'component:default/checkout' }],
  steps,
};
const empty = {
  taskId: 'task-1',
  environments: [],
  deployments: [],
  catalog: [],
  steps: [],
};

const logOf = (ctx: ReturnType<typeof createMockActionContext>) => {
  const logged: string[] = [];
  ctx.logger.info = ((m: string) => void logged.push(m)) as any;
  return logged;
};

describe('stagecraft:teardown', () => {
  it('removes step by step in the plan’s order, logging each, and a re-run finds nothing to remove', async () => {
    const getTeardownPlan = jest
      .fn()
      .mockResolvedValueOnce(plan)
      .mockResolvedValueOnce(empty);
    const teardown = jest.fn(async (_t: string, o: { step?: string }) => ({
      ...plan,
      steps: steps.map(s => ({
        ...s,
        status: s.id === o.step ? ('done' as const) : undefined,
      })),
      removed: true as const,
    }));
    const action = createTeardownAction({
      client: { getTeardownPlan, teardown },
    });
    const first = createMockActionContext({ input: { taskId: 'task-1' } });
    const logged = logOf(first);
    await action.handler(first);
    expect(teardown.mock.calls.map(c => c[1].step)).toEqual(
      steps.map(s => s.id),
    );
    expect(logged.filter(l => l.startsWith('Step '))).toEqual([
      'Step 1/3: Remove component:default/checkout from payments-dev',
      'Step 1/3: done',
      'Step 2/3: Delete environment checkout-pr-7 (namespace checkout-pr-7) and its resources',
      'Step 2/3: done',
      'Step 3/3: Unregister component:default/checkout from the catalog',
      'Step 3/3: done',
    ]);
    expect((first.output as jest.Mock).mock.calls).toEqual([
      ['environments', ['checkout-pr-7']],
      ['deployments', ['component:default/checkout@payments-dev']],
      ['catalog', ['component:default/checkout']],
      ['steps', steps.map(s => `${s.id}: done`)],
    ]);
    const second = createMockActionContext({ input: { taskId: 'task-1' } });
    await action.handler(second);
    expect(teardown).toHaveBeenCalledTimes(3);
    expect(second.output).toHaveBeenCalledWith('environments', []);
  });

  it('a dry run only shows the plan', async () => {
    const getTeardownPlan = jest.fn(async () => plan);
    const teardown = jest.fn();
    const ctx = {
      ...createMockActionContext({ input: { taskId: 'task-1' } }),
      isDryRun: true,
    };
    const logged = logOf(ctx);
    await createTeardownAction({
      client: { getTeardownPlan, teardown },
    }).handler(ctx);
    expect(teardown).not.toHaveBeenCalled();
    expect(logged).toEqual([
      'Task task-1 created: environments checkout-pr-7; deployments component:default/checkout@payments-dev; catalog component:default/checkout',
      'Plan 1/3: Remove component:default/checkout from payments-dev',
      'Plan 2/3: Delete environment checkout-pr-7 (namespace checkout-pr-7) and its resources',
      'Plan 3/3: Unregister component:default/checkout from the catalog',
      'Dry run: nothing was removed',
    ]);
  });
});
