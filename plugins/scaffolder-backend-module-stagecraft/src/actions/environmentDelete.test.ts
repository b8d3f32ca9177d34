import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createEnvironmentDeleteAction } from './environmentDelete';

describe('stagecraft:environment:delete', () => {
  it('deletes as the initiating user, and a second run finds nothing to delete', async () => {
    const deleteEnvironment = jest
      .fn()
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(
        Object.assign(new Error('environment "pr-42" not found'), {
          statusCode: 404,
        }),
      );
    const action = createEnvironmentDeleteAction({
      client: { deleteEnvironment },
    });
    const first = createMockActionContext({ input: { name: 'pr-42' } });
    await action.handler(first);
    expect(deleteEnvironment).toHaveBeenCalledWith(
      'pr-42',
      {},
      { credentials: await first.getInitiatorCredentials() },
    );
    expect(first.output).toHaveBeenCalledWith('deleted', true);
    const again = createMockActionContext({ input: { name: 'pr-42' } });
    await action.handler(again);
    expect(again.output).toHaveBeenCalledWith('deleted', false);
  });

  it('passes the confirmation for production and fails on a refusal', async () => {
    const deleteEnvironment = jest.fn(async () => {
      throw Object.assign(new Error('not allowed'), { statusCode: 403 });
    });
    const action = createEnvironmentDeleteAction({
      client: { deleteEnvironment },
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: { name: 'shop-prod', confirm: 'shop-prod' },
        }),
      ),
    ).rejects.toThrow('not allowed');
    expect(deleteEnvironment).toHaveBeenCalledWith(
      'shop-prod',
      { confirm: 'shop-prod' },
      expect.anything(),
    );
  });

  it('a dry run asks the backend to check only, and deletes nothing', async () => {
    const deleteEnvironment = jest.fn(async () => undefined);
    const action = createEnvironmentDeleteAction({
      client: { deleteEnvironment },
    });
    const ctx = {
      ...createMockActionContext({ input: { name: 'payments-pr-42' } }),
      isDryRun: true,
    };
    await action.handler(ctx);
    expect(deleteEnvironment).toHaveBeenCalledWith(
      'payments-pr-42',
      { dryRun: true },
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith('deleted', false);
  });
});
