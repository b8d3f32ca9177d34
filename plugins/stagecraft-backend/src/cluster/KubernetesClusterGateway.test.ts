import net from 'node:net';
import {
  KubernetesClusterGateway,
  warningTexts,
} from './KubernetesClusterGateway';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(r => server.close(r));
  return port;
}

describe('KubernetesClusterGateway', () => {
  it('reports a refused connection as unreachable without leaking the token', async () => {
    const port = await closedPort();
    const gateway = new KubernetesClusterGateway([
      {
        name: 'down',
        url: `https://127.0.0.1:${port}`,
        serviceAccountToken: 'super-secret-token',
        skipTLSVerify: true,
      },
    ]);
    expect(gateway.listClusters()).toEqual([{ name: 'down' }]);
    const probe = await gateway.probe('down', { timeoutMs: 2000 });
    expect(probe.reachable).toBe(false);
    expect(JSON.stringify(probe)).not.toContain('super-secret-token');
    expect((probe as { error: string }).error).toMatch(/ECONNREFUSED/);
  });

  it('times out a server that accepts but never answers', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer(s => sockets.push(s));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const gateway = new KubernetesClusterGateway([
        { name: 'slow', url: `https://127.0.0.1:${port}`, skipTLSVerify: true },
      ]);
      const probe = await gateway.probe('slow', { timeoutMs: 300 });
      expect(probe).toMatchObject({
        reachable: false,
        error: 'no answer within 300 ms (auth: none)',
      });
      expect(probe.latencyMs).toBeGreaterThanOrEqual(290);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise(r => server.close(r));
    }
  });

  it('answers for an unknown cluster name without a network call', async () => {
    const gateway = new KubernetesClusterGateway([]);
    await expect(gateway.probe('nope', { timeoutMs: 10 })).resolves.toEqual({
      reachable: false,
      error: 'unknown cluster "nope"',
      latencyMs: 0,
    });
  });
});

describe('warningTexts', () => {
  it('unquotes the Warning headers of the API server (RFC 7234), one per header', () => {
    expect(
      warningTexts([
        '299 - "would violate PodSecurity \\"restricted:v1.33\\": hostPort (container \\"main\\" uses hostPort 80)"',
        '299 - "spec.template.metadata.annotations[x]: deprecated since v1.30"',
        '  ',
      ]),
    ).toEqual([
      'would violate PodSecurity "restricted:v1.33": hostPort (container "main" uses hostPort 80)',
      'spec.template.metadata.annotations[x]: deprecated since v1.30',
    ]);
    expect(warningTexts(undefined)).toEqual([]);
  });
});
