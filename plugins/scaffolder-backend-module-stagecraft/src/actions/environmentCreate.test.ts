import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createEnvironmentCreateAction } from './environmentCreate';

const env = {
  name: 'payments-pr-42',
  type: 'preview',
  tier: 'preview',
  cluster: 'local',
  namespace: 'payments-pr-42',
  owner: 'group:default/payments',
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  phase: 'Ready',
  objects: [{ kind: 'Namespace', name: 'payments-pr-42', present: true }],
  createdBy: 'user:default/mock',
  createdAt: '2026-11-24T10:00:00Z',
  updatedAt: '2026-11-24T10:00:00Z',
};

describe('stagecraft:environment:create', () => {
  it('creates the environment as the initiating user and outputs where it lives', async () => {
    const createEnvironment = jest.fn(async () => env as any);
    const action = createEnvironmentCreateAction({
      client: { createEnvironment },
    });
    const ctx = createMockActionContext({
      input: {
        name: 'payments-pr-42',
        type: 'preview',
        owner: 'group:default/payments',
        ttl: '48h',
      },
    });
    await action.handler(ctx);
    expect(createEnvironment).toHaveBeenCalledWith(
      {
        name: 'payments-pr-42',
        type: 'preview',
        owner: 'group:default/payments',
        ttl: '48h',
        origin: { taskId: 'mock-task-id' },
      },
      { credentials: await ctx.getInitiatorCredentials() },
    );
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['name', 'payments-pr-42'],
      ['namespace', 'payments-pr-42'],
      ['cluster', 'local'],
      ['entityRef', 'environment:default/payments-pr-42'],
    ]);
  });

  it("logs the API server's warnings on the environment's objects", async () => {
    const warning =
      'Namespace/payments-pr-42: existing pods in namespace "payments-pr-42" violate the new PodSecurity enforce level "restricted:latest"';
    const action = createEnvironmentCreateAction({
      client: {
        createEnvironment: jest.fn(
          async () => ({ ...env, warnings: [warning] } as any),
        ),
      },
    });
    const ctx = createMockActionContext({
      input: {
        name: 'payments-pr-42',
        type: 'preview',
        owner: 'group:default/payments',
      },
    });
    const info = jest.spyOn(ctx.logger, 'info');
    await action.handler(ctx);
    expect(info.mock.calls.map(c => c[0])).toContain(
      `Kubernetes warning: ${warning}`,
    );
  });

  it('fails the step with the backend error (e.g. 403), never skipping silently', async () => {
    const createEnvironment = jest.fn(async () => {
      throw Object.assign(
        new Error('user:default/mock is not allowed to create environments'),
        { name: 'ResponseError' },
      );
    });
    const action = createEnvironmentCreateAction({
      client: { createEnvironment },
    });
    await expect(
      action.handler(
        createMockActionContext({
          input: { name: 'x', type: 'preview', owner: 'group:default/a' },
        }),
      ),
    ).rejects.toThrow('not allowed to create environments');
  });

  it('is idempotent: a re-run sends the same request and gets the same outputs', async () => {
    const createEnvironment = jest.fn(async () => env as any);
    const action = createEnvironmentCreateAction({
      client: { createEnvironment },
    });
    const outputs = [];
    for (let run = 0; run < 2; run++) {
      const ctx = createMockActionContext({
        input: {
          name: 'payments-pr-42',
          type: 'preview',
          owner: 'group:default/payments',
        },
      });
      await action.handler(ctx);
      outputs.push((ctx.output as jest.Mock).mock.calls);
    }
    expect(createEnvironment.mock.calls[0]).toEqual(
      createEnvironment.mock.calls[1],
    );
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('dry-runs through the backend without recording an origin', async () => {
    const createEnvironment = jest.fn(async () => env as any);
    const action = createEnvironmentCreateAction({
      client: { createEnvironment },
    });
    const ctx = {
      ...createMockActionContext({
        input: {
          name: 'payments-pr-42',
          type: 'preview',
          owner: 'group:default/payments',
        },
        templateInfo: {
          entityRef: 'template:default/preview-environment',
        } as any,
      }),
      isDryRun: true,
    };
    const logged: string[] = [];
    ctx.logger.info = ((m: string) => void logged.push(m)) as any;
    await action.handler(ctx);
    expect(createEnvironment).toHaveBeenCalledWith(
      {
        name: 'payments-pr-42',
        type: 'preview',
        owner: 'group:default/payments',
        dryRun: true,
      },
      expect.anything(),
    );
    expect(logged.at(-1)).toContain('nothing was changed');
  });
});
