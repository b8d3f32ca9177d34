import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { HealthResponse } from '@stagecraft/backstage-plugin-stagecraft-common';
import { createClusterCheckAction } from './clusterCheck';

const health: HealthResponse = {
  status: 'degraded',
  clusters: [
    { name: 'local', reachable: true, version: 'v1.34.1', latencyMs: 4 },
    { name: 'eu', reachable: false, error: 'ECONNREFUSED', latencyMs: 1 },
  ],
};

describe('stagecraft:cluster:check', () => {
  const getHealth = jest.fn(async () => health);
  const action = createClusterCheckAction({ client: { getHealth } });

  it('passes the initiator credentials and outputs the checked cluster', async () => {
    const ctx = createMockActionContext({ input: { cluster: 'local' } });
    await action.handler(ctx);
    const initiator = await ctx.getInitiatorCredentials();
    expect(getHealth).toHaveBeenCalledWith({ credentials: initiator });
    expect(initiator.principal).toEqual(mockCredentials.user().principal);
    expect(ctx.output).toHaveBeenCalledWith('clusters', [
      { name: 'local', reachable: true, version: 'v1.34.1' },
    ]);
  });

  it('fails the step when the cluster is down, naming it and why', async () => {
    const ctx = createMockActionContext({ input: { cluster: 'eu' } });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Cluster eu (ECONNREFUSED) not reachable',
    );
  });

  it('fails for a cluster that is not configured, listing the configured ones', async () => {
    const ctx = createMockActionContext({ input: { cluster: 'mars' } });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Cluster "mars" is not configured in Stagecraft; configured clusters: local, eu',
    );
  });

  it('is safe to re-run: the same input gives the same outcome and no writes', async () => {
    const first = createMockActionContext({ input: { cluster: 'local' } });
    const second = createMockActionContext({ input: { cluster: 'local' } });
    await action.handler(first);
    await action.handler(second);
    expect((second.output as jest.Mock).mock.calls).toEqual(
      (first.output as jest.Mock).mock.calls,
    );
  });
});
