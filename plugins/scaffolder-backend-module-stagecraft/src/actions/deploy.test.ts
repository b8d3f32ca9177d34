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

const noDiagnostics = {
  getApproval: jest.fn(),
  getClusterEvents: jest.fn(async () => ({ items: [] })),
  getLogs: jest.fn(async () => ({ pods: [], lines: [] })),
};

describe('stagecraft:deploy', () => {
  it('deploys as the initiating user, waits for the rollout and logs its progress', async () => {
    const deploy = jest.fn(
      async () =>
        ({
          release,
          revision: { revision: 4, environment: 'payments-dev' },
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
      client: { deploy, getDeployments, ...noDiagnostics },
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
      {
        environment: 'payments-dev',
        image: '1.4.3',
        origin: { taskId: 'mock-task-id' },
      },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect(logged.filter(l => l.startsWith('Rollout'))).toEqual([
      'Rollout in payments-dev: progressing: 0/2 available, 0 of 2 available',
      'Rollout in payments-dev: progressing: 1/2 available, 1 of 2 available',
      'Rollout in payments-dev: complete: 2/2 available',
    ]);
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['releaseId', 'r-0123456789ab'],
      ['revision', 4],
      ['environment', 'payments-dev'],
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
      client: { deploy, getDeployments, ...noDiagnostics },
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

  it("prints the failing pod's last lines and the Warning events when the rollout fails", async () => {
    const deploy = jest.fn(
      async () =>
        ({
          release,
          revision: { revision: 6 },
          diff: '',
          dryRun: false,
        } as any),
    );
    const getDeployments = jest.fn(async () =>
      status('failed', 0, { reason: 'FailedCreate' }),
    );
    const getClusterEvents = jest.fn(async () => ({
      items: [
        {
          type: 'Warning' as const,
          reason: 'FailedCreate',
          message: 'pods "checkout-abc-x" is forbidden: exceeded quota: q',
          object: { kind: 'ReplicaSet', name: 'checkout-abc' },
          count: 3,
          firstTime: '2026-12-01T10:00:00Z',
          lastTime: '2026-12-01T10:00:05Z',
        },
        {
          type: 'Normal' as const,
          reason: 'ScalingReplicaSet',
          message: 'Scaled up',
          object: { kind: 'Deployment', name: 'checkout' },
          count: 1,
          firstTime: '2026-12-01T10:00:00Z',
          lastTime: '2026-12-01T10:00:00Z',
        },
      ],
    }));
    const pod = {
      name: 'checkout-abc-x1',
      phase: 'Pending',
      current: true,
      containers: [{ name: 'main', restartCount: 0, hasPrevious: false }],
    };
    const getLogs = jest.fn(async (_c: string, q: { pod?: string }) => ({
      pods: [pod],
      lines: q.pod
        ? [{ pod: pod.name, container: 'main', time: 't1', text: 'boom' }]
        : [],
    }));
    const action = createDeployAction({
      client: {
        deploy,
        getDeployments,
        getClusterEvents,
        getLogs,
        getApproval: jest.fn(),
      },
      sleep: async () => {},
    });
    const ctx = createMockActionContext({
      input: {
        component: 'component:default/checkout',
        environment: 'payments-dev',
        wait: true,
      },
    });
    const logged: string[] = [];
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await expect(action.handler(ctx)).rejects.toThrow('failed: FailedCreate');
    expect(logged).toEqual(
      expect.arrayContaining([
        'Warning events of component:default/checkout in payments-dev:',
        '  2026-12-01T10:00:05Z FailedCreate ReplicaSet/checkout-abc: pods "checkout-abc-x" is forbidden: exceeded quota: q (×3)',
        'Last 1 log line(s) of pod checkout-abc-x1 (Pending):',
        '  t1 main boom',
      ]),
    );
    expect(logged.join('\n')).not.toContain('ScalingReplicaSet');
    expect(getLogs).toHaveBeenLastCalledWith(
      'component:default/checkout',
      { environment: 'payments-dev', pod: 'checkout-abc-x1', tailLines: 20 },
      { credentials: await ctx.getInitiatorCredentials() },
    );
  });

  it("prints the API server's warnings on the revision (and on a dry run) to the task log", async () => {
    const warning =
      'Deployment/checkout: would violate PodSecurity "restricted:v1.33": seccompProfile (pod must set securityContext.seccompProfile.type)';
    for (const result of [
      {
        release,
        revision: {
          revision: 5,
          environment: 'payments-dev',
          warnings: [warning],
        },
        diff: '',
        dryRun: false,
      },
      { release, diff: '', dryRun: true, warnings: [warning] },
    ]) {
      const action = createDeployAction({
        client: {
          deploy: jest.fn(async () => result as any),
          getDeployments: jest.fn(),
          ...noDiagnostics,
        },
        sleep: async () => {},
      });
      const ctx = createMockActionContext({
        input: {
          component: 'component:default/checkout',
          environment: 'payments-dev',
          dryRun: result.dryRun,
          wait: false,
        },
      });
      const warned: string[] = [];
      ctx.logger.info = ((m: string) => void warned.push(m)) as any;
      await action.handler(ctx);
      expect(warned.filter(m => m.startsWith('Kubernetes warning'))).toEqual([
        `Kubernetes warning: ${warning}`,
      ]);
    }
  });

  it('a dry run outputs the diff and does not wait', async () => {
    const deploy = jest.fn(
      async () => ({ release, diff: '--- a\n+++ b', dryRun: true } as any),
    );
    const getDeployments = jest.fn();
    const action = createDeployAction({
      client: { deploy, getDeployments, ...noDiagnostics },
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

  it("supports the template's dry run: asks the backend for a dry run, records no checkpoint", async () => {
    const deploy = jest.fn(
      async () => ({ release, diff: '+image', dryRun: true } as any),
    );
    const checkpoint = jest.fn();
    const action = createDeployAction({
      client: { deploy, getDeployments: jest.fn(), ...noDiagnostics },
    });
    expect(action.supportsDryRun).toBe(true);
    const ctx = {
      ...createMockActionContext({
        input: {
          component: 'component:default/checkout',
          environment: 'payments-dev',
          wait: true,
        },
      }),
      isDryRun: true,
      checkpoint,
    };
    await action.handler(ctx);
    expect(deploy).toHaveBeenCalledWith(
      'component:default/checkout',
      { environment: 'payments-dev', dryRun: true },
      expect.anything(),
    );
    expect(checkpoint).not.toHaveBeenCalled();
  });

  it('deploys once per task: a resumed task reuses the recorded result', async () => {
    const deploy = jest.fn(
      async () =>
        ({
          release,
          revision: { revision: 7, environment: 'payments-dev' },
          diff: '',
          dryRun: false,
        } as any),
    );
    const recorded = new Map<string, unknown>();
    const checkpoint = async ({ key, fn }: any) => {
      if (!recorded.has(key)) recorded.set(key, await fn());
      return recorded.get(key);
    };
    const action = createDeployAction({
      client: { deploy, getDeployments: jest.fn(), ...noDiagnostics },
    });
    const input = {
      component: 'component:default/checkout',
      environment: 'payments-dev',
    };
    for (let run = 0; run < 2; run++) {
      const ctx = { ...createMockActionContext({ input }), checkpoint };
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('revision', 7);
    }
    expect(deploy).toHaveBeenCalledTimes(1);
    expect([...recorded.keys()]).toEqual([
      'stagecraft.deploy.component:default/checkout.payments-dev',
    ]);
  });

  it('waits for a component the catalog has not ingested yet, then deploys', async () => {
    const notYet = Object.assign(
      new Error('component:default/fresh not found in the catalog'),
      { statusCode: 404, body: { error: { missing: 'component' } } },
    );
    const deploy = jest
      .fn()
      .mockRejectedValueOnce(notYet)
      .mockResolvedValueOnce({
        release,
        revision: { revision: 1, environment: 'fresh-dev' },
        diff: '',
        dryRun: false,
      });
    const action = createDeployAction({
      client: { deploy, getDeployments: jest.fn(), ...noDiagnostics },
      sleep: async () => {},
    });
    const ctx = createMockActionContext({
      input: { component: 'component:default/fresh', environment: 'fresh-dev' },
    });
    await action.handler(ctx);
    expect(deploy).toHaveBeenCalledTimes(2);
    expect(ctx.output).toHaveBeenCalledWith('revision', 1);
    const otherError = jest.fn(async () => {
      // names the component in its text, but what is missing is the environment
      throw Object.assign(
        new Error('environment "nope" not found for component:default/fresh'),
        { statusCode: 404, body: { error: { missing: 'environment' } } },
      );
    });
    await expect(
      createDeployAction({
        client: {
          deploy: otherError,
          getDeployments: jest.fn(),
          ...noDiagnostics,
        },
        sleep: async () => {},
      }).handler(
        createMockActionContext({
          input: { component: 'component:default/fresh', environment: 'nope' },
        }),
      ),
    ).rejects.toThrow('environment "nope" not found');
    expect(otherError).toHaveBeenCalledTimes(1);
  });
});
