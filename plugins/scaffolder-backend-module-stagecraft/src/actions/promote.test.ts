import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPromoteAction } from './promote';
import { createRollbackAction } from './rollback';

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
    await createRollbackAction({
      client: { rollback, getApproval: jest.fn() },
    }).handler(ctx);
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
      createRollbackAction({
        client: { rollback: refused, getApproval: jest.fn() },
      }).handler(
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
});
