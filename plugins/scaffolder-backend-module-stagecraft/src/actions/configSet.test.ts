import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createConfigSetAction } from './configSet';
import { configChange } from '../__testUtils__/configChange';

const CANARY = 'canary-value-do-not-log';

describe('stagecraft:config:set', () => {
  it('sets values, takes secret values only from the task secrets, and never logs or outputs them', async () => {
    const setConfig = jest.fn(async () => configChange(['LOG_LEVEL'], 3));
    const setSecret = jest.fn(async () => ({
      key: 'API_TOKEN',
      version: 2,
      hash: 'abc',
      updatedBy: 'u',
      updatedAt: 't',
    }));
    const action = createConfigSetAction({ client: { setConfig, setSecret } });
    const ctx = createMockActionContext({
      input: {
        environment: 'payments-dev',
        component: 'component:default/checkout',
        values: { LOG_LEVEL: 'debug' },
        secrets: { API_TOKEN: 'apiToken' },
      },
      secrets: { apiToken: CANARY },
    });
    const logged: string[] = [];
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await action.handler(ctx);
    expect(setConfig).toHaveBeenCalledWith(
      {
        environment: 'payments-dev',
        component: 'component:default/checkout',
        values: { LOG_LEVEL: 'debug' },
      },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(setSecret).toHaveBeenCalledWith(
      {
        environment: 'payments-dev',
        component: 'component:default/checkout',
        key: 'API_TOKEN',
        value: CANARY,
      },
      expect.anything(),
    );
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['version', 3],
      ['secretVersions', { API_TOKEN: 2 }],
    ]);
    expect(
      JSON.stringify([logged, (ctx.output as jest.Mock).mock.calls]),
    ).not.toContain(CANARY);
  });

  it('fails when a named secret is not among the task secrets', async () => {
    const action = createConfigSetAction({
      client: { setConfig: jest.fn(), setSecret: jest.fn() },
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            environment: 'payments-dev',
            component: 'component:default/checkout',
            secrets: { API_TOKEN: 'missing' },
          },
          secrets: {},
        }),
      ),
    ).rejects.toThrow(
      'secret "missing" for API_TOKEN is not among this task\'s secrets',
    );
  });

  it('a dry run previews values and writes no secret', async () => {
    const setConfig = jest.fn(async () => configChange(['LOG_LEVEL']));
    const setSecret = jest.fn();
    const action = createConfigSetAction({ client: { setConfig, setSecret } });
    const ctx = {
      ...createMockActionContext({
        input: {
          environment: 'payments-dev',
          component: 'component:default/checkout',
          values: { LOG_LEVEL: 'debug' },
          secrets: { API_TOKEN: 'apiToken' },
        },
        secrets: { apiToken: 'canary-value-123' },
      }),
      isDryRun: true,
    };
    await action.handler(ctx);
    expect((setConfig.mock.calls[0] as any[])[0]).toMatchObject({
      dryRun: true,
    });
    expect(setSecret).not.toHaveBeenCalled();
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
