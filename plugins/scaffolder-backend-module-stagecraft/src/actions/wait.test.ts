import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createWaitAction } from './wait';

const deployment = (phase: string, available: number, release = 'r-1'): any => [
  {
    environment: 'payments-dev',
    tier: 'development',
    revision: { releaseId: 'r-1' },
    status: {
      phase,
      release,
      replicas: { desired: 2, updated: 2, ready: available, available },
      pods: {},
    },
  },
];
const env = (phase: string, present: boolean[]): any => ({
  name: 'payments-pr-42',
  phase,
  objects: present.map((p, i) => ({ kind: 'K', name: `o${i}`, present: p })),
});

function logs(ctx: ReturnType<typeof createMockActionContext>) {
  const logged: string[] = [];
  ctx.logger.info = ((m: string) => void logged.push(m)) as any;
  return logged;
}

/** The action on a client answering `getDeployments`, waiting for checkout in payments-dev. */
function rolloutWait(getDeployments: jest.Mock) {
  const action = createWaitAction({
    client: { getDeployments, getEnvironment: jest.fn() },
    sleep: async () => {},
  });
  const ctx = createMockActionContext({
    input: {
      environment: 'payments-dev',
      component: 'component:default/checkout',
    },
  });
  return { ctx, run: () => action.handler(ctx), logged: logs(ctx) };
}

describe('stagecraft:wait', () => {
  it('waits for the latest release to roll out, logging each change once', async () => {
    const getDeployments = jest
      .fn()
      .mockResolvedValueOnce(deployment('progressing', 0, 'r-0'))
      .mockResolvedValueOnce(deployment('progressing', 1))
      .mockResolvedValueOnce(deployment('progressing', 1))
      .mockResolvedValueOnce(deployment('complete', 2));
    const { ctx, run, logged } = rolloutWait(getDeployments);
    await run();
    expect(logged).toEqual([
      'Rollout in payments-dev: progressing: 0/2 available',
      'Rollout in payments-dev: progressing: 1/2 available',
      'Rollout in payments-dev: complete: 2/2 available',
    ]);
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['phase', 'complete'],
      ['release', 'r-1'],
    ]);
  });

  it('in a GitOps environment, logs committed → fetched → applied and waits for Flux too', async () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const withGit = (stage: string, phase: string, available: number) => [
      {
        ...deployment(phase, available)[0],
        gitops: {
          stage,
          commit: sha,
          repository: 'r',
          branch: 'main',
          path: 'p',
        },
      },
    ];
    const getDeployments = jest
      .fn()
      .mockResolvedValueOnce(withGit('committed', 'progressing', 0))
      .mockResolvedValueOnce(withGit('fetched', 'progressing', 0))
      // the rollout complete before the Kustomization says so: not done yet
      .mockResolvedValueOnce(withGit('fetched', 'complete', 2))
      .mockResolvedValueOnce(withGit('applied', 'complete', 2));
    const { run, logged } = rolloutWait(getDeployments);
    await run();
    expect(logged).toEqual([
      'Rollout in payments-dev: Git/Flux: committed (commit 0123456789ab); progressing: 0/2 available',
      'Rollout in payments-dev: Git/Flux: fetched (commit 0123456789ab); progressing: 0/2 available',
      'Rollout in payments-dev: Git/Flux: fetched (commit 0123456789ab); complete: 2/2 available',
      'Rollout in payments-dev: Git/Flux: applied (commit 0123456789ab); complete: 2/2 available',
    ]);
    expect(getDeployments).toHaveBeenCalledTimes(4);
  });

  it('fails when Flux cannot apply the commit, with its message', async () => {
    const getDeployments = jest.fn().mockResolvedValue([
      {
        ...deployment('progressing', 0)[0],
        gitops: {
          stage: 'failed',
          commit: 'f'.repeat(40),
          message: 'Deployment/x dry-run failed',
        },
      },
    ]);
    await expect(rolloutWait(getDeployments).run()).rejects.toThrow(
      'Flux could not apply commit ffffffffffff to payments-dev: Deployment/x dry-run failed',
    );
  });

  it('waits for an environment to be Ready', async () => {
    const getEnvironment = jest
      .fn()
      .mockResolvedValueOnce(env('Provisioning', [true, false]))
      .mockResolvedValueOnce(env('Ready', [true, true]));
    const action = createWaitAction({
      client: { getDeployments: jest.fn(), getEnvironment },
      sleep: async () => {},
    });
    const ctx = createMockActionContext({
      input: { environment: 'payments-pr-42' },
    });
    const logged = logs(ctx);
    await action.handler(ctx);
    expect(logged).toEqual([
      'Environment payments-pr-42: Provisioning: 1/2 objects',
      'Environment payments-pr-42: Ready: 2/2 objects',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Ready');
  });

  it('gives up at the timeout, saying what it last saw', async () => {
    const getDeployments = jest.fn(async () => deployment('progressing', 1));
    let now = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const action = createWaitAction({
      client: { getDeployments, getEnvironment: jest.fn() },
      sleep: async ms => {
        now += ms;
      },
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            environment: 'payments-dev',
            component: 'component:default/checkout',
            timeoutSeconds: 10,
          },
        }),
      ),
    ).rejects.toThrow(
      'Rollout of r-1 to payments-dev not complete after 10 s (last: progressing: 1/2 available)',
    );
    expect(getDeployments.mock.calls.length).toBe(6);
    jest.restoreAllMocks();
  });

  it('fails on a failed rollout and, in a dry run, only looks once', async () => {
    const failed = jest.fn(async () => [
      {
        ...deployment('failed', 0)[0],
        status: {
          ...deployment('failed', 0)[0].status,
          reason: 'ImagePullBackOff',
        },
      },
    ]);
    const action = createWaitAction({
      client: { getDeployments: failed, getEnvironment: jest.fn() },
      sleep: async () => {},
    });
    const input = {
      environment: 'payments-dev',
      component: 'component:default/checkout',
    };
    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toThrow('failed: ImagePullBackOff');
    const progressing = jest.fn(async () => deployment('progressing', 0));
    const dry = createWaitAction({
      client: { getDeployments: progressing, getEnvironment: jest.fn() },
      sleep: async () => {},
    });
    await expect(
      dry.handler({ ...createMockActionContext({ input }), isDryRun: true }),
    ).rejects.toThrow('not complete after 0 s');
    expect(progressing).toHaveBeenCalledTimes(1);
  });
});
