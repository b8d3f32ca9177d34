import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createDeployAction } from './deploy';

const release = { id: 'r-0123456789ab', image: 'ghcr.io/acme/checkout:1.4.3' };
const status = (phase: string, available: number, extra: object = {}): any => [
  {
    environment: 'payments-dev',
    tier: 'development',
    status: {
      phase,
      release: release.id,
      replicas: { desired: 2, updated: 2, ready: available, available },
      pods: {},
      ...extra,
    },
  },
];

describe('stagecraft:deploy', () => {
  it('deploys as the initiating user, waits for the rollout and logs its progress', async () => {
    const deploy = jest.fn(
      async () =>
        ({
          release,
          revision: { revision: 4 },
          diff: '+x',
          dryRun: false,
        } as any),
    );
    const getDeployments = jest
      .fn()
      .mockResolvedValueOnce(
        status('progressing', 0, { message: '0 of 2 available' }),
      )
      .mockResolvedValueOnce(
        status('progressing', 1, { message: '1 of 2 available' }),
      )
      .mockResolvedValueOnce(status('complete', 2));
    const action = createDeployAction({
      client: { deploy, getDeployments },
      sleep: async () => {},
    });
    const ctx = createMockActionContext({
      input: {
        component: 'component:default/checkout',
        environment: 'payments-dev',
        image: '1.4.3',
        wait: true,
      },
    });
    const logged: string[] = [];
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await action.handler(ctx);
    expect(deploy).toHaveBeenCalledWith(
      'component:default/checkout',
      { environment: 'payments-dev', image: '1.4.3' },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(logged.filter(l => l.startsWith('Rollout'))).toEqual([
      'Rollout: progressing: 0/2 available, 0 of 2 available',
      'Rollout: progressing: 1/2 available, 1 of 2 available',
      'Rollout: complete: 2/2 available',
    ]);
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['releaseId', 'r-0123456789ab'],
      ['revision', 4],
      ['diff', '+x'],
    ]);
  });

  it('fails the task with the reason when the rollout fails', async () => {
    const deploy = jest.fn(
      async () =>
        ({
          release,
          revision: { revision: 5 },
          diff: '',
          dryRun: false,
        } as any),
    );
    const getDeployments = jest.fn(async () =>
      status('failed', 0, { reason: 'ImagePullBackOff' }),
    );
    const action = createDeployAction({
      client: { deploy, getDeployments },
      sleep: async () => {},
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            component: 'component:default/checkout',
            environment: 'payments-dev',
            wait: true,
          },
        }),
      ),
    ).rejects.toThrow(
      'Rollout of r-0123456789ab to payments-dev failed: ImagePullBackOff',
    );
  });

  it('a dry run outputs the diff and does not wait', async () => {
    const deploy = jest.fn(
      async () => ({ release, diff: '--- a\n+++ b', dryRun: true } as any),
    );
    const getDeployments = jest.fn();
    const action = createDeployAction({
      client: { deploy, getDeployments },
      sleep: async () => {},
    });
    const ctx = createMockActionContext({
      input: {
        component: 'component:default/checkout',
        environment: 'payments-dev',
        dryRun: true,
        wait: true,
      },
    });
    await action.handler(ctx);
    expect(getDeployments).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('diff', '--- a\n+++ b');
  });
});
