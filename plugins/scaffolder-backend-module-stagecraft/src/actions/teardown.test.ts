import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createTeardownAction } from './teardown';

const plan = {
  taskId: 'task-1',
  environments: [
    { name: 'checkout-pr-7', namespace: 'checkout-pr-7', tier: 'preview' },
  ],
  deployments: [
    { component: 'component:default/checkout', environment: 'payments-dev' },
  ],
};

describe('stagecraft:teardown', () => {
  it('logs the plan, removes it, and a re-run finds nothing to remove', async () => {
    const getTeardownPlan = jest
      .fn()
      .mockResolvedValueOnce(plan)
      .mockResolvedValueOnce({
        taskId: 'task-1',
        environments: [],
        deployments: [],
      });
    const teardown = jest.fn(async () => ({ ...plan, removed: true as const }));
    const action = createTeardownAction({
      client: { getTeardownPlan, teardown },
    });
    const first = createMockActionContext({ input: { taskId: 'task-1' } });
    await action.handler(first);
    expect(teardown).toHaveBeenCalledTimes(1);
    expect((first.output as jest.Mock).mock.calls).toEqual([
      ['environments', ['checkout-pr-7']],
      ['deployments', ['component:default/checkout@payments-dev']],
    ]);
    const second = createMockActionContext({ input: { taskId: 'task-1' } });
    await action.handler(second);
    expect(teardown).toHaveBeenCalledTimes(1);
    expect(second.output).toHaveBeenCalledWith('environments', []);
  });

  it('a dry run only shows the plan', async () => {
    const getTeardownPlan = jest.fn(async () => plan);
    const teardown = jest.fn();
    const logged: string[] = [];
    const ctx = {
      ...createMockActionContext({ input: { taskId: 'task-1' } }),
      isDryRun: true,
    };
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await createTeardownAction({
      client: { getTeardownPlan, teardown },
    }).handler(ctx);
    expect(teardown).not.toHaveBeenCalled();
    expect(logged).toEqual([
      'Task task-1 created: environments checkout-pr-7; deployments component:default/checkout@payments-dev',
      'Dry run: nothing was removed',
    ]);
  });
});
