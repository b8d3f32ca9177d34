import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { StagecraftClient } from './StagecraftClient';

describe('StagecraftClient', () => {
  let server: http.Server;
  let seen: { path?: string; authorization?: string } = {};
  let status = 200;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen = { path: req.url, authorization: req.headers.authorization };
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({
              status: 'ok',
              clusters: [{ name: 'local', reachable: true }],
            })
          : JSON.stringify({
              error: { name: 'NotAllowedError', message: 'denied' },
            }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/stagecraft`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  const client = () =>
    new StagecraftClient({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      auth: mockServices.auth(),
    });

  it('calls the backend on behalf of the initiating user', async () => {
    status = 200;
    const health = await client().getHealth({
      credentials: mockCredentials.user('user:default/alice'),
    });
    expect(health.clusters).toEqual([{ name: 'local', reachable: true }]);
    expect(seen.path).toBe('/api/stagecraft/health');
    // an on-behalf-of token for the stagecraft plugin, naming the user
    expect(seen.authorization).toBe(
      'Bearer mock-service-token:{"obo":"user:default/alice","target":"stagecraft"}',
    );
  });

  it('asks for logs and cluster events with the query encoded', async () => {
    status = 200;
    const credentials = mockCredentials.user('user:default/alice');
    await client().getLogs(
      'component:default/checkout',
      { environment: 'payments-dev', pod: 'checkout-1', tailLines: 20 },
      { credentials },
    );
    expect(seen.path).toBe(
      '/api/stagecraft/components/component%3Adefault%2Fcheckout/logs?environment=payments-dev&pod=checkout-1&tailLines=20',
    );
    await client().getClusterEvents(
      'component:default/checkout',
      'payments-dev',
      { credentials },
    );
    expect(seen.path).toBe(
      '/api/stagecraft/components/component%3Adefault%2Fcheckout/cluster-events?environment=payments-dev',
    );
    await client().getEnvironmentClusterEvents('payments-dev', { credentials });
    expect(seen.path).toBe(
      '/api/stagecraft/environments/payments-dev/cluster-events',
    );
  });

  it('turns an error response into a ResponseError with the backend message', async () => {
    status = 403;
    await expect(
      client().getHealth({ credentials: mockCredentials.user() }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 403 });
  });
});
