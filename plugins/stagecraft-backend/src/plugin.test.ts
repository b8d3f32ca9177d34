import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import type { JsonObject } from '@backstage/types';
import { stagecraftPlugin } from './plugin';
import { clusterGatewayModule } from './__testUtils__/gatewayModule';
import { InMemoryClusterGateway } from './__testUtils__/InMemoryClusterGateway';

async function start(
  options: {
    config?: JsonObject;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    gateway?: InMemoryClusterGateway;
  } = {},
) {
  const gateway = options.gateway ?? new InMemoryClusterGateway(['local']);
  const { server } = await startTestBackend({
    features: [
      stagecraftPlugin,
      clusterGatewayModule(gateway),
      // the owner of a new environment must be a catalog entity
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'team-a', namespace: 'default' },
            spec: { type: 'team', children: [] },
          },
        ],
      }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.permission
        ? [mockServices.permissions.factory({ result: options.permission })]
        : []),
    ],
  });
  return { server, gateway };
}

const create = {
  name: 'team-a-dev',
  type: 'development',
  owner: 'group:default/team-a',
};

describe('stagecraft backend routes', () => {
  it('refuses a new environment whose owner is not in the catalog (400 naming owner), creating nothing', async () => {
    const { server, gateway } = await start();
    const res = await request(server)
      .post('/api/stagecraft/environments')
      .send({ ...create, owner: 'group:default/does-not-exist' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /owner "group:default\/does-not-exist" is not in the catalog/,
    );
    expect(gateway.calls).toEqual([]);
    const off = await start({
      config: { stagecraft: { requireCatalogOwners: false } },
    });
    const allowed = await request(off.server)
      .post('/api/stagecraft/environments')
      .send({ ...create, owner: 'group:default/does-not-exist' });
    expect(allowed.status).toBe(201);
  });

  it('GET /health answers without a token and reports each cluster', async () => {
    const { server } = await start({
      gateway: new InMemoryClusterGateway(
        ['local', 'eu-west'],
        new Set(['eu-west']),
      ),
    });
    const res = await request(server)
      .get('/api/stagecraft/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'degraded',
      clusters: [
        { name: 'local', reachable: true, version: 'v1.37.2', latencyMs: 1 },
        {
          name: 'eu-west',
          reachable: false,
          error: 'ECONNREFUSED',
          latencyMs: 1,
        },
      ],
    });
  });

  it('every other route needs a caller (401 without credentials)', async () => {
    const { server } = await start();
    const none = mockCredentials.none.header();
    for (const [method, path] of [
      ['get', '/environment-types'],
      ['get', '/environments'],
      ['post', '/environments'],
      ['get', '/environments/team-a-dev'],
      ['patch', '/environments/team-a-dev'],
      ['post', '/environments/team-a-dev/extend'],
      ['delete', '/environments/team-a-dev'],
    ] as const) {
      const res = await request(server)
        [method](`/api/stagecraft${path}`)
        .set('Authorization', none);
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 401`);
    }
  });

  it('GET /environment-types lists configured types with their defaults', async () => {
    const { server } = await start({
      config: {
        stagecraft: {
          environmentTypes: [
            {
              name: 'staging-eu',
              tier: 'staging',
              description: 'EU',
              quota: { pods: 12 },
            },
            { name: 'pr', tier: 'preview' },
          ],
        },
      },
    });
    const res = await request(server).get('/api/stagecraft/environment-types');
    expect(res.body.items).toEqual([
      {
        name: 'pr',
        tier: 'preview',
        quota: { cpu: '2', memory: '4Gi', pods: 20 },
        defaultTtl: '72h',
        order: 0,
      },
      {
        name: 'staging-eu',
        tier: 'staging',
        description: 'EU',
        quota: { cpu: '8', memory: '16Gi', pods: 12 },
        order: 2,
      },
    ]);
  });

  it('refuses to start with an environment type of an unknown tier', async () => {
    await expect(
      start({
        config: {
          stagecraft: { environmentTypes: [{ name: 'qa', tier: 'qa' }] },
        },
      }),
    ).rejects.toThrow(/stagecraft\.environmentTypes\[0\]\.tier must be one of/);
  });

  it('POST /environments creates (201), then confirms the same spec (200)', async () => {
    const { server } = await start();
    const first = await request(server)
      .post('/api/stagecraft/environments')
      .send(create);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      name: 'team-a-dev',
      phase: 'Ready',
      createdBy: 'user:default/mock',
    });
    const second = await request(server)
      .post('/api/stagecraft/environments')
      .send(create);
    expect(second.status).toBe(200);
    const list = await request(server).get('/api/stagecraft/environments');
    expect(list.body.items.map((e: { name: string }) => e.name)).toEqual([
      'team-a-dev',
    ]);
    const audit = await request(server).get(
      '/api/stagecraft/environments/team-a-dev/audit',
    );
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual([
      'environment.create',
      'environment.create',
    ]);
  });

  it('answers bad input with 400 naming the field, and 404 for unknown environments', async () => {
    const { server, gateway } = await start();
    const bad = await request(server)
      .post('/api/stagecraft/environments')
      .send({ ...create, name: 'Team_A' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^name "Team_A" is not a valid DNS-1123 label/,
    );
    const notJson = await request(server)
      .post('/api/stagecraft/environments')
      .set('Content-Type', 'application/json')
      .send('[1,2]');
    expect(notJson.status).toBe(400);
    const badPath = await request(server).get(
      '/api/stagecraft/environments/Bad_Name',
    );
    expect(badPath.status).toBe(400);
    expect(
      (await request(server).get('/api/stagecraft/environments/nope')).status,
    ).toBe(404);
    expect(gateway.calls).toEqual([]);
  });

  it('under a deny-all policy every mutating route returns 403 and changes nothing', async () => {
    const gateway = new InMemoryClusterGateway(['local']);
    // an environment created while permissions allowed it
    const allowed = await start({ gateway });
    await request(allowed.server)
      .post('/api/stagecraft/environments')
      .send(create)
      .expect(201);
    const before = JSON.stringify([...gateway.objects.entries()]);
    const { server } = await start({
      gateway,
      permission: AuthorizeResult.DENY,
    });
    for (const [method, path, body] of [
      ['post', '/environments', { ...create, name: 'team-b-dev' }],
      ['patch', '/environments/team-a-dev', { quota: { pods: 1 } }],
      ['post', '/environments/team-a-dev/extend', { ttl: '1h' }],
      ['delete', '/environments/team-a-dev', {}],
    ] as const) {
      const res = await request(server)
        [method](`/api/stagecraft${path}`)
        .send(body);
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 403`);
    }
    expect(JSON.stringify([...gateway.objects.entries()])).toBe(before);
    // and a user who may not read sees nothing, not even a count
    const list = await request(server).get('/api/stagecraft/environments');
    expect(list.body).toEqual({ items: [] });
  });

  it('DELETE needs confirm for production and removes the environment', async () => {
    const { server, gateway } = await start();
    await request(server)
      .post('/api/stagecraft/environments')
      .send({ ...create, name: 'shop-prod', type: 'production' })
      .expect(201);
    const refused = await request(server)
      .delete('/api/stagecraft/environments/shop-prod')
      .send({});
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(
      'confirm must equal "shop-prod"',
    );
    await request(server)
      .delete('/api/stagecraft/environments/shop-prod')
      .send({ confirm: 'shop-prod' })
      .expect(204);
    expect(gateway.objects.size).toBe(0);
  });

  it('PUT /config?dryRun=true returns the effective diff and stores nothing', async () => {
    const { server } = await start();
    await request(server)
      .post('/api/stagecraft/environments')
      .send(create)
      .expect(201);
    const dry = await request(server)
      .put('/api/stagecraft/config?dryRun=true')
      .send({ environment: 'team-a-dev', values: { LOG_LEVEL: 'debug' } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      changes: [{ key: 'LOG_LEVEL', after: 'debug' }],
    });
    const history = await request(server).get(
      '/api/stagecraft/config/history?environment=team-a-dev',
    );
    expect(history.body.items).toEqual([]);
    const real = await request(server)
      .put('/api/stagecraft/config')
      .send({ environment: 'team-a-dev', values: { LOG_LEVEL: 'debug' } });
    expect(real.status).toBe(201);
    expect(real.body.version).toMatchObject({
      version: 1,
      changed: ['LOG_LEVEL'],
    });
  });
});
