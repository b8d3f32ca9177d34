import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { getHealth } from './getHealth';

describe('getHealth', () => {
  const options = { timeoutMs: 100 };

  it('says unconfigured, naming the config key, when no cluster is configured', async () => {
    const gateway = new InMemoryClusterGateway([]);
    const health = await getHealth({ gateway }, options);
    expect(health.status).toBe('unconfigured');
    expect(health.clusters).toEqual([]);
    expect(health.message).toContain('kubernetes.clusterLocatorMethods');
  });

  it('stays degraded when a configured cluster is unreachable', async () => {
    const gateway = new InMemoryClusterGateway(
      ['up', 'down'],
      new Set(['down']),
    );
    const health = await getHealth({ gateway }, options);
    expect(health).toEqual({
      status: 'degraded',
      clusters: [
        expect.objectContaining({ name: 'up', reachable: true }),
        expect.objectContaining({
          name: 'down',
          reachable: false,
          error: 'ECONNREFUSED',
        }),
      ],
    });
    expect(health.message).toBeUndefined();
  });

  it('says degraded, not unconfigured, when the only cluster is unreachable', async () => {
    const gateway = new InMemoryClusterGateway(['down'], new Set(['down']));
    expect((await getHealth({ gateway }, options)).status).toBe('degraded');
  });

  it('says ok when every configured cluster answers', async () => {
    const gateway = new InMemoryClusterGateway(['a', 'b']);
    const health = await getHealth({ gateway }, options);
    expect(health.status).toBe('ok');
    expect(health.clusters.map(c => c.version)).toEqual(['v1.37.2', 'v1.37.2']);
  });
});
