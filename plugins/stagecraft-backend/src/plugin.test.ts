import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import request from 'supertest';
import type { JsonObject } from '@backstage/types';
import { stagecraftPlugin } from './plugin';
import { clusterGatewayServiceRef } from './cluster/clusterGatewayService';
import type { ClusterGateway } from './domain/ports';

/** A fake of the gateway port (never of the domain): two clusters, one down. */
const fakeGateway: ClusterGateway = {
  listClusters: () => [{ name: 'local' }, { name: 'eu-west' }],
  probe: async cluster =>
    cluster === 'local'
      ? { reachable: true, version: 'v1.34.1', latencyMs: 3 }
      : { reachable: false, error: 'ECONNREFUSED', latencyMs: 1 },
};

async function start(config: JsonObject = {}) {
  const { server } = await startTestBackend({
    features: [
      stagecraftPlugin,
      createServiceFactory({
        service: clusterGatewayServiceRef,
        deps: {},
        factory: () => fakeGateway,
      }),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return server;
}

describe('stagecraft backend plugin', () => {
  it('GET /health answers without a token and reports each cluster', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/stagecraft/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'degraded',
      clusters: [
        { name: 'local', reachable: true, version: 'v1.34.1', latencyMs: 3 },
        {
          name: 'eu-west',
          reachable: false,
          error: 'ECONNREFUSED',
          latencyMs: 1,
        },
      ],
    });
  });

  it('GET /environment-types requires a caller (401 without credentials)', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/stagecraft/environment-types')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('GET /environment-types lists configured types, defaulting to one per tier', async () => {
    const defaults = await start();
    const res = await request(defaults).get(
      '/api/stagecraft/environment-types',
    );
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: any) => t.name)).toEqual([
      'preview',
      'development',
      'staging',
      'production',
    ]);

    const configured = await start({
      stagecraft: {
        environmentTypes: [
          { name: 'staging-eu', tier: 'staging', description: 'EU' },
        ],
      },
    });
    const res2 = await request(configured)
      .get('/api/stagecraft/environment-types')
      .set('Authorization', mockCredentials.service.header());
    expect(res2.body.items).toEqual([
      { name: 'staging-eu', tier: 'staging', description: 'EU' },
    ]);
  });

  it('refuses to start with an environment type of an unknown tier', async () => {
    await expect(
      start({ stagecraft: { environmentTypes: [{ name: 'qa', tier: 'qa' }] } }),
    ).rejects.toThrow(/stagecraft\.environmentTypes\[0\]\.tier must be one of/);
  });
});
