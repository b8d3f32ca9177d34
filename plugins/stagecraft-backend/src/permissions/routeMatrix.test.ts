// Every route x three policies (allow-all, deny-all, the example owner
// policy), through the real permission backend, the real permissions
// service (conditional decisions resolved by Stagecraft's own rules) and the
// real router; only the cluster is the in-memory gateway.
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import permissionBackend from '@backstage/plugin-permission-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { stagecraftPlugin } from '../plugin';
import { clusterGatewayModule } from '../__testUtils__/gatewayModule';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { InMemoryClusterGateway } from '../__testUtils__/InMemoryClusterGateway';
import {
  onBehalfOfUserAuth,
  userInfoWithGroups,
} from '../__testUtils__/integration';
import { StagecraftExamplePolicy } from './ExamplePolicy';
import {
  createEnvironmentConditionalDecision,
  environmentConditions,
} from './rules';

const groups: Record<string, string[]> = {
  'user:default/alice': ['group:default/platform'],
  'user:default/bob': ['group:default/payments'],
  'user:default/eve': [],
};

async function start(policy: PermissionPolicy) {
  const gateway = new InMemoryClusterGateway(['local']);
  const { server } = await startTestBackend({
    features: [
      stagecraftPlugin,
      permissionBackend,
      permissionsServiceFactory,
      createBackendModule({
        pluginId: 'permission',
        moduleId: 'test-policy',
        register(reg) {
          reg.registerInit({
            deps: { policy: policyExtensionPoint },
            async init(deps) {
              deps.policy.setPolicy(policy);
            },
          });
        },
      }),
      onBehalfOfUserAuth(),
      userInfoWithGroups(groups),
      // owners of new environments must be catalog entities: these exist
      catalogServiceMock.factory({
        entities: [
          ...['platform', 'payments', 'other'].map(name => ({
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name, namespace: 'default' },
            spec: { type: 'team', children: [] },
          })),
          ...Object.keys(groups).map(ref => ({
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: ref.split('/')[1], namespace: 'default' },
            spec: {},
          })),
        ],
      }),
      clusterGatewayModule(gateway),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          stagecraft: {
            apply: { allowedKinds: ['ConfigMap'] },
            localSources: { enabled: true },
          },
        },
      }),
    ],
  });
  return server;
}

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const C = encodeURIComponent('component:default/checkout');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** One call per route of openapi.yaml, against environment `env`. */
function calls(env: string) {
  const q = `environment=${env}&component=${C}`;
  return [
    ['get', '/environment-types'],
    ['get', '/environments'],
    [
      'post',
      '/environments',
      {
        name: `${env}-x`,
        type: 'development',
        owner: 'group:default/payments',
      },
    ],
    ['get', `/environments/${env}`],
    ['patch', `/environments/${env}`, { ttl: '8h' }],
    ['post', `/environments/${env}/extend`, { ttl: '8h' }],
    ['post', `/environments/${env}/provision`],
    ['delete', `/environments/${env}`, { confirm: env, dryRun: true }],
    [
      'post',
      `/environments/${env}/apply`,
      {
        manifests: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: m }',
        dryRun: true,
      },
    ],
    ['get', `/environments/${env}/resources`],
    ['get', `/environments/${env}/audit`],
    ['get', `/config?${q}`],
    ['put', '/config', { environment: env, values: { A: '1' }, dryRun: true }],
    ['get', `/config/history?${q}`],
    [
      'post',
      '/config/rollback',
      { environment: env, version: 1, dryRun: true },
    ],
    ['get', `/secrets?${q}`],
    [
      'put',
      '/secrets',
      {
        environment: env,
        component: 'component:default/checkout',
        key: 'K',
        value: 'v',
      },
    ],
    [
      'delete',
      '/secrets',
      { environment: env, component: 'component:default/checkout', key: 'K' },
    ],
    ['get', `/components/${C}/deployments`],
    ['get', `/components/${C}/drift?environment=${env}`],
    ['get', `/components/${C}/history?environment=${env}`],
    ['post', `/components/${C}/deploy`, { environment: env, dryRun: true }],
    ['post', `/components/${C}/promote`, { from: env, to: env, dryRun: true }],
    ['post', `/components/${C}/rollback`, { environment: env, dryRun: true }],
    ['put', '/sources/demo', { files: { 'catalog-info.yaml': 'x' } }],
    ['post', `/components/${C}/restart`, { environment: env }],
    ['post', `/components/${C}/scale`, { environment: env, replicas: 1 }],
    ['post', `/environments/${env}/pause`],
    ['post', `/environments/${env}/resume`],
    ['get', `/environments/${env}/usage`],
    ['get', '/usage'],
    [
      'post',
      `/environments/${env}/clone`,
      { name: `${env}-clone`, dryRun: true },
    ],
    ['get', '/approvals'],
    ['get', `/approvals/${UNKNOWN_ID}`],
    ['post', `/approvals/${UNKNOWN_ID}/approve`, {}],
    ['post', `/approvals/${UNKNOWN_ID}/reject`, {}],
    ['post', `/approvals/${UNKNOWN_ID}/withdraw`, {}],
    ['get', `/components/${C}/actions?environment=${env}`],
    ['get', `/environments/${env}/actions`],
    ['get', '/pipeline'],
    ['get', '/teardown/task-1'],
    ['post', '/teardown/task-1', { confirm: true }],
    ['get', `/components/${C}/logs?environment=${env}`],
    ['get', `/components/${C}/cluster-events?environment=${env}`],
    ['get', `/environments/${env}/cluster-events`],
  ] as Array<[string, string, object?]>;
}

async function call(
  server: any,
  user: string,
  [method, route, body]: [string, string, object?],
) {
  const req = (request(server) as any)
    [method](`/api/stagecraft${route}`)
    .set('Authorization', as(user));
  return body ? req.send(body) : req;
}

const ENVS = [
  ['payments-dev', 'development', 'group:default/payments'],
  ['payments-prod', 'production', 'group:default/payments'],
  ['other-dev', 'development', 'group:default/other'],
];

async function seed(server: any) {
  for (const [name, type, owner] of ENVS) {
    const res = await request(server)
      .post('/api/stagecraft/environments')
      .set('Authorization', as('alice'))
      .send({ name, type, owner });
    expect(res.status).toBe(201);
  }
}

// each case calls every route of the API once (about 4 s on an idle 2-core
// machine): more than Jest's default 5 s once the machine is loaded
jest.setTimeout(60_000);

describe('route x policy matrix', () => {
  it('covers every route of openapi.yaml', () => {
    const spec = parse(
      fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
    );
    const documented = Object.entries(spec.paths).flatMap(([p, ops]) =>
      Object.keys(ops as object)
        .filter(m => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(m => `${m} ${p}`),
    );
    const covered = new Set(
      calls('{name}').map(([m, r]) =>
        `${m} ${r
          .split('?')[0]
          .replace(C, '{ref}')
          .replace('/sources/demo', '/sources/{repo}')
          .replace(UNKNOWN_ID, '{id}')
          .replace('task-1', '{taskId}')
          .replace('{name}-x', '')}`.replace(/\/$/, ''),
      ),
    );
    // not permissioned on purpose: the open health probe, the catalog's
    // read of local sources, and the SSE stream (checked in plugin.test.ts)
    const exempt = [
      'get /health',
      'get /sources/{repo}/{path}',
      'get /components/{ref}/events',
    ];
    expect(
      documented.filter(d => !covered.has(d) && !exempt.includes(d)),
    ).toEqual([]);
  });

  it('allow-all: no route answers 401 or 403', async () => {
    const server = await start({
      handle: async () => ({ result: AuthorizeResult.ALLOW }),
    });
    await seed(server);
    for (const c of calls('payments-dev')) {
      const res = await call(server, 'eve', c);
      expect([c[0], c[1], [401, 403].includes(res.status)]).toEqual([
        c[0],
        c[1],
        false,
      ]);
    }
  });

  it('deny-all: every permissioned route is 403, lists are empty, nothing changes', async () => {
    const server = await start({
      handle: async (_req, user) => ({
        // alice may seed; everyone else is denied everything
        result:
          user?.info.userEntityRef === 'user:default/alice'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }),
    });
    await seed(server);
    // not denied as such: lists and plans filtered to nothing, and unknown
    // approval ids (404 before any permission: ids are random UUIDs)
    const open = [
      '/environment-types',
      '/sources/demo',
      `/approvals/${UNKNOWN_ID}`,
      `/approvals/${UNKNOWN_ID}/approve`,
      `/approvals/${UNKNOWN_ID}/reject`,
      `/approvals/${UNKNOWN_ID}/withdraw`,
      '/teardown/task-1',
    ];
    const lists = [
      'get /environments',
      `get /components/${C}/deployments`,
      'get /usage',
      'get /approvals',
      'get /pipeline',
    ];
    const answers: string[] = [];
    const expected: string[] = [];
    for (const c of calls('payments-dev').filter(x => !open.includes(x[1]))) {
      const res = await call(server, 'eve', c);
      const list = lists.includes(`${c[0]} ${c[1]}`);
      answers.push(
        `${c[0]} ${c[1]} ${res.status}${
          list ? ` ${JSON.stringify(res.body.items)}` : ''
        }`,
      );
      expected.push(`${c[0]} ${c[1]} ${list ? '200 []' : '403'}`);
    }
    expect(answers).toEqual(expected);
    const after = await request(server)
      .get('/api/stagecraft/environments')
      .set('Authorization', as('alice'));
    expect(after.body.items.map((e: any) => e.name).sort()).toEqual([
      'other-dev',
      'payments-dev',
      'payments-prod',
    ]);
  });

  describe('the example policy (owners; production needs the platform group)', () => {
    let server: any;
    beforeAll(async () => {
      server = await start(
        new StagecraftExamplePolicy({
          platformGroup: 'group:default/platform',
        }),
      );
      await seed(server);
    });

    const writes = (env: string) =>
      calls(env).filter(
        ([m, r]) =>
          m !== 'get' &&
          r !== '/environments' &&
          // create (as POST /environments): decided without an environment
          !r.endsWith('/provision') &&
          !r.startsWith('/sources') &&
          !r.startsWith('/approvals') &&
          !r.startsWith('/teardown') &&
          !r.endsWith('/clone'),
      );

    it('an owner changes their development environment', async () => {
      for (const c of writes('payments-dev')) {
        const res = await call(server, 'bob', c);
        expect([c[0], c[1], [401, 403].includes(res.status)]).toEqual([
          c[0],
          c[1],
          false,
        ]);
      }
    });

    it("a non-owner gets 403 on another team's development environment", async () => {
      for (const c of writes('other-dev')) {
        const res = await call(server, 'bob', c);
        expect([c[0], c[1], res.status]).toEqual([c[0], c[1], 403]);
      }
    });

    it('an owner gets 403 on production unless in the platform group', async () => {
      for (const c of writes('payments-prod')) {
        const bob = await call(server, 'bob', c);
        expect([c[0], c[1], bob.status]).toEqual([c[0], c[1], 403]);
        const alice = await call(server, 'alice', c);
        expect([c[0], c[1], [401, 403].includes(alice.status)]).toEqual([
          c[0],
          c[1],
          false,
        ]);
      }
    });

    it('logs and events: owners outside production, the platform group everywhere', async () => {
      const observe = (env: string) => [
        `/components/${C}/logs?environment=${env}`,
        `/components/${C}/cluster-events?environment=${env}`,
        `/environments/${env}/cluster-events`,
      ];
      const statuses = async (user: string, env: string) =>
        Promise.all(
          observe(env).map(async r =>
            [401, 403].includes((await call(server, user, ['get', r])).status)
              ? 'refused'
              : 'allowed',
          ),
        );
      expect(await statuses('bob', 'payments-dev')).toEqual(
        Array(3).fill('allowed'),
      );
      expect(await statuses('bob', 'other-dev')).toEqual(
        Array(3).fill('refused'),
      );
      expect(await statuses('bob', 'payments-prod')).toEqual(
        Array(3).fill('refused'),
      );
      expect(await statuses('alice', 'payments-prod')).toEqual(
        Array(3).fill('allowed'),
      );
    });

    it('the actions answer explains a refusal with the rule that failed (conditional decisions)', async () => {
      const reasons = async (user: string, env: string) => {
        const res = await request(server)
          .get(`/api/stagecraft/components/${C}/actions?environment=${env}`)
          .set('Authorization', as(user));
        expect(res.status).toBe(200);
        return Object.fromEntries(
          ['deploy', 'configUpdate'].map(a => [
            a,
            res.body.actions[a].reason?.message ?? 'allowed',
          ]),
        );
      };
      expect(await reasons('bob', 'payments-dev')).toEqual({
        deploy: 'allowed',
        configUpdate: 'allowed',
      });
      expect(await reasons('bob', 'other-dev')).toEqual({
        deploy:
          'Only group:default/other (the owner of other-dev) may deploy to other-dev',
        configUpdate:
          'Only group:default/other (the owner of other-dev) may change the configuration of other-dev',
      });
      expect((await reasons('bob', 'payments-prod')).deploy).toBe(
        'You may deploy to preview, development and staging environments only; payments-prod is production',
      );
      expect(await reasons('alice', 'payments-prod')).toEqual({
        deploy: 'allowed',
        configUpdate: 'allowed',
      });
      const env = await request(server)
        .get('/api/stagecraft/environments/other-dev/actions')
        .set('Authorization', as('bob'));
      expect(env.body.actions.delete.reason).toEqual({
        code: 'forbidden',
        message:
          'Only group:default/other (the owner of other-dev) may delete other-dev',
      });
    });

    it('everyone reads: the environment list shows what the user may read', async () => {
      const res = await request(server)
        .get('/api/stagecraft/environments')
        .set('Authorization', as('eve'));
      expect(res.body.items.map((e: any) => e.name).sort()).toEqual([
        'other-dev',
        'payments-dev',
        'payments-prod',
      ]);
    });

    it.each([
      // [user, type, owner, status, what the answer names]
      ['bob', 'development', 'group:default/payments', 201, ''],
      ['bob', 'preview', 'user:default/bob', 201, ''],
      ['bob', 'staging', 'group:default/payments', 403, 'staging'],
      ['bob', 'production', 'group:default/payments', 403, 'production'],
      [
        'bob',
        'development',
        'group:default/platform',
        403,
        'owner group:default/platform',
      ],
      [
        'bob',
        'development',
        'group:default/other',
        403,
        'owner group:default/other',
      ],
      [
        'bob',
        'development',
        'user:default/alice',
        403,
        'owner user:default/alice',
      ],
      ['bob', 'development', 'group:default/does-not-exist', 400, 'owner'],
      [
        'eve',
        'development',
        'group:default/payments',
        403,
        'owner group:default/payments',
      ],
      ['eve', 'preview', 'user:default/eve', 201, ''],
      ['alice', 'production', 'group:default/payments', 201, ''],
      ['alice', 'staging', 'group:default/other', 201, ''],
      ['alice', 'development', 'group:default/does-not-exist', 400, 'owner'],
    ] as const)(
      'create as %s: a %s environment owned by %s is %d',
      async (user, type, owner, status, names) => {
        const name = `c-${user}-${type}-${owner.replace(/\W/g, '-')}`.slice(
          0,
          60,
        );
        const res = await request(server)
          .post('/api/stagecraft/environments')
          .set('Authorization', as(user))
          .send({ name, type, owner });
        expect([res.status, res.body.error?.message ?? '']).toEqual([
          status,
          expect.stringContaining(names),
        ]);
        const after = await request(server)
          .get(`/api/stagecraft/environments/${name}`)
          .set('Authorization', as('alice'));
        expect(after.status).toBe(status === 201 ? 200 : 404);
      },
    );
  });

  it('a read-only-own policy: the list holds only what the user may read (filtered by the rules, not one by one)', async () => {
    const server = await start({
      handle: async (req, user) => {
        if (user?.info.userEntityRef === 'user:default/alice') {
          return { result: AuthorizeResult.ALLOW };
        }
        if (req.permission.name === 'stagecraft.environment.read') {
          return createEnvironmentConditionalDecision(req.permission as any, {
            allOf: [
              environmentConditions.isOwner({
                claims: user?.info.ownershipEntityRefs ?? [],
              }),
              environmentConditions.isCluster({ clusters: ['local'] }),
            ],
          });
        }
        return { result: AuthorizeResult.DENY };
      },
    });
    await seed(server);
    const bob = await request(server)
      .get('/api/stagecraft/environments')
      .set('Authorization', as('bob'));
    expect(bob.body.items.map((e: any) => e.name).sort()).toEqual([
      'payments-dev',
      'payments-prod',
    ]);
    const hidden = await request(server)
      .get('/api/stagecraft/environments/other-dev')
      .set('Authorization', as('bob'));
    const missing = await request(server)
      .get('/api/stagecraft/environments/no-such-env')
      .set('Authorization', as('bob'));
    // a hidden environment and a missing one look the same
    expect([hidden.status, missing.status]).toEqual([403, 403]);
    expect(
      (
        await request(server)
          .get('/api/stagecraft/environments')
          .set('Authorization', as('eve'))
      ).body.items,
    ).toEqual([]);
  });
});
