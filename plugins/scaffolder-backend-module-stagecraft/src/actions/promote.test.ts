import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPromoteAction, createRollbackAction } from './promote';

const result = (environment: string, revision: number) =>
  ({
    release: { id: 'r-0123456789ab', image: 'app:1' },
    revision: { environment, revision },
    diff: '+image',
    dryRun: false,
  } as any);

describe('stagecraft:promote and stagecraft:rollback', () => {
  it('promotes with the initiator credentials and outputs where the release now runs', async () => {
    const promote = jest.fn(async () => result('payments-staging', 2));
    const ctx = createMockActionContext({
      input: { component: 'component:default/checkout', from: 'payments-dev' },
    });
    await createPromoteAction({
      client: { promote, getApproval: jest.fn() },
    }).handler(ctx);
    expect(promote).toHaveBeenCalledWith(
      'component:default/checkout',
      { from: 'payments-dev', origin: { taskId: 'mock-task-id' } },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['releaseId', 'r-0123456789ab'],
      ['revision', 2],
      ['environment', 'payments-staging'],
      ['diff', '+image'],
    ]);
  });

  it('rolls back to a chosen revision and fails the step when the backend refuses', async () => {
    const rollback = jest.fn(async () => result('payments-dev', 5));
    const ctx = createMockActionContext({
      input: {
        component: 'component:default/checkout',
        environment: 'payments-dev',
        revision: 3,
      },
    });
    await createRollbackAction({ client: { rollback } }).handler(ctx);
    expect(rollback).toHaveBeenCalledWith(
      'component:default/checkout',
      {
        environment: 'payments-dev',
        revision: 3,
        origin: { taskId: 'mock-task-id' },
      },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(ctx.output).toHaveBeenCalledWith('revision', 5);
    const refused = jest.fn(async () => {
      throw new Error(
        'no such revision of component:default/checkout in payments-dev',
      );
    });
    await expect(
      createRollbackAction({ client: { rollback: refused } }).handler(
        createMockActionContext({
          input: {
            component: 'component:default/checkout',
            environment: 'payments-dev',
            revision: 9,
          },
        }),
      ),
    ).rejects.toThrow('no such revision');
  });

  it.each([
    ['promote', createPromoteAction],
    ['rollback', createRollbackAction],
  ] as const)(
    '%s supports dry runs: the diff only, no origin recorded',
    async (verb, create) => {
      const call = jest.fn(
        async () =>
          ({
            release: { id: 'r-0123456789ab', image: 'app:1' },
            diff: '-old\n+new',
            dryRun: true,
          } as any),
      );
      const action = (create as any)({
        client: { [verb]: call, getApproval: jest.fn() },
      });
      expect(action.supportsDryRun).toBe(true);
      const ctx = {
        ...createMockActionContext({
          input: {
            component: 'component:default/checkout',
            from: 'payments-dev',
            environment: 'payments-dev',
          },
        }),
        isDryRun: true,
      };
      await action.handler(ctx);
      const [, request] = call.mock.calls[0] as any[];
      expect(request).toMatchObject({ dryRun: true });
      expect(request.origin).toBeUndefined();
      expect((ctx.output as jest.Mock).mock.calls).toEqual([
        ['releaseId', 'r-0123456789ab'],
        ['diff', '-old\n+new'],
      ]);
    },
  );

  it('reports a pending approval, and with waitForApproval waits until it ran', async () => {
    const pending = {
      id: '9b2d4c1e-0000-4000-8000-000000000001',
      action: 'promote',
      releaseId: 'r-0123456789ab',
      environment: 'payments-prod',
      required: 1,
      group: 'group:default/platform',
      approvals: [],
      state: 'pending',
    };
    const promote = jest.fn(async () => ({
      release: { id: 'r-0123456789ab', image: 'app:1' },
      diff: '',
      dryRun: false,
      pending,
    }));
    const getApproval = jest
      .fn()
      .mockResolvedValueOnce(pending)
      .mockResolvedValueOnce({
        ...pending,
        approvals: [{ by: 'user:default/alice', at: 'now' }],
        state: 'executed',
        revision: 7,
      });
    const logged: string[] = [];
    const ctx = createMockActionContext({
      input: {
        component: 'component:default/checkout',
        from: 'payments-staging',
        waitForApproval: true,
      },
    });
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await createPromoteAction({
      client: { promote, getApproval } as any,
      sleep: async () => {},
    }).handler(ctx);
    expect(logged).toEqual([
      `promote of release r-0123456789ab to payments-prod waits for 1 approval(s) from group:default/platform (request ${pending.id})`,
      'Approved by user:default/alice (1/1)',
      'Approved: release r-0123456789ab runs in payments-prod (revision 7)',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('approvalState', 'executed');
    expect(ctx.output).toHaveBeenCalledWith('revision', 7);

    const rejected = jest.fn().mockResolvedValue({
      ...pending,
      state: 'rejected',
      rejection: { by: 'user:default/alice', at: 'now' },
    });
    await expect(
      createPromoteAction({
        client: { promote, getApproval: rejected } as any,
        sleep: async () => {},
      }).handler(
        createMockActionContext({
          input: {
            component: 'component:default/checkout',
            from: 'payments-staging',
            waitForApproval: true,
          },
        }),
      ),
    ).rejects.toThrow('was rejected by user:default/alice');
  });
});
