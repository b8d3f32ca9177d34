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
});
