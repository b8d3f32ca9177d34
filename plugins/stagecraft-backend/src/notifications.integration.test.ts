// Stagecraft's notifications through Backstage's notifications backend (the
// real plugin, its catalog-based recipient resolution and its HTTP API), on
// the real control plane: approvals and a failed rollout.
import { mockCredentials } from '@backstage/backend-test-utils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  eventually,
  startIntegrationBackend,
  untilInCatalog,
} from './__testUtils__/integration';

jest.setTimeout(240_000);

const PROD = 'notify-prod';
const TINY = 'notify-tiny';
const COMPONENT = 'component:default/notify-hello';
const C = encodeURIComponent(COMPONENT);
// 200m does not fit the tiny type's quota: the ReplicaSet cannot create pods
const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: notify-hello
containers:
  main:
    image: registry.example.com/acme/notify-hello:1.0.0
    resources:
      requests: { cpu: 200m, memory: 64Mi }
`;
const entity = (kind: string, name: string, spec: object, extra = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, ...extra },
  spec,
});
const CATALOG = [
  entity(
    'Component',
    'notify-hello',
    {
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/team-a',
    },
    { annotations: { 'stagecraft.io/workload': './workload.score.yaml' } },
  ),
  entity('Group', 'platform', { type: 'team', children: [] }),
  entity('Group', 'team-a', { type: 'team', children: [] }),
  entity('User', 'alice', { memberOf: ['platform'] }),
  entity('User', 'carol', { memberOf: ['platform'] }),
  entity('User', 'bob', { memberOf: ['team-a'] }),
  entity('User', 'dave', { memberOf: ['team-a'] }),
]
  .map(e => JSON.stringify(e))
  .join('\n---\n');

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe('notifications on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;

  /** A user's notifications through the notifications API, newest first. */
  const inbox = async (user: string) =>
    (
      await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', as(user))
        .expect(200)
    ).body.notifications as Array<{
      payload: Record<string, string>;
      origin: string;
      user: string;
    }>;
  const about = async (user: string, scope: RegExp) =>
    (await inbox(user)).filter(n => scope.test(n.payload.scope ?? ''));

  beforeAll(async () => {
    await Promise.all([PROD, TINY].map(name => deleteNamespace(name)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-notify-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'workload.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      features: [notificationsPlugin],
      extraConfig: { app: { baseUrl: 'http://localhost:13300' } },
      groups: {
        'user:default/alice': ['group:default/platform'],
        'user:default/carol': ['group:default/platform'],
        'user:default/bob': ['group:default/team-a'],
      },
      catalog: {
        rules: [
          { allow: ['Environment', 'Location', 'Component', 'Group', 'User'] },
        ],
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [
          {
            name: 'production',
            tier: 'production',
            approvals: { required: 1, group: 'group:default/platform' },
          },
          {
            name: 'tiny',
            tier: 'development',
            quota: { cpu: '100m', memory: '1Gi', pods: 5 },
          },
        ],
      },
    });
    for (const [name, type] of [
      [PROD, 'production'],
      [TINY, 'tiny'],
    ]) {
      await request(server)
        .post('/api/stagecraft/environments')
        .set('Authorization', as('bob'))
        .send({ name, type, owner: 'group:default/team-a' })
        .expect(201);
    }
    // the notifications backend resolves groups to members in the catalog
    await eventually('the users in their groups', async () => {
      const res = await request(server).get(
        '/api/catalog/entities/by-name/group/default/platform',
      );
      const members = (res.body.relations ?? []).filter(
        (r: { type: string }) => r.type === 'hasMember',
      );
      return members.length === 2 ? true : undefined;
    });
    await untilInCatalog(server, 'component', 'notify-hello');
  });

  afterAll(async () => {
    await Promise.all([PROD, TINY].map(name => deleteNamespace(name)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a pending approval notifies each approver with a link, and approving it notifies the requester', async () => {
    const res = await request(server)
      .post(`/api/stagecraft/components/${C}/deploy`)
      .set('Authorization', as('bob'))
      .send({ environment: PROD, image: '1.0.0' })
      .expect(202);
    const id = res.body.pending.id;
    const scope = new RegExp(`^stagecraft:approval:${id}$`);
    for (const approver of ['alice', 'carol']) {
      const [notice] = await eventually(
        `${approver}'s notification`,
        async () => {
          const found = await about(approver, scope);
          return found.length ? found : undefined;
        },
      );
      expect(notice).toMatchObject({
        origin: 'plugin:stagecraft',
        user: `user:default/${approver}`,
        payload: {
          title: `Approval needed: deploy of notify-hello (registry.example.com/acme/notify-hello:1.0.0) to ${PROD}`,
          topic: 'stagecraft-approvals',
          severity: 'high',
          link: '/catalog/default/component/notify-hello/deployments',
        },
      });
    }
    // the requester and people outside the group are not asked
    expect(await about('bob', scope)).toEqual([]);
    expect(await about('dave', scope)).toEqual([]);

    await request(server)
      .post(`/api/stagecraft/approvals/${id}/approve`)
      .set('Authorization', as('alice'))
      .send({ comment: 'go' })
      .expect(200)
      .expect(r => expect(r.body.state).toBe('executed'));
    const [decision] = await eventually("bob's decision notice", async () => {
      const found = await about(
        'bob',
        new RegExp(`^stagecraft:approval:${id}:decision$`),
      );
      return found.length ? found : undefined;
    });
    expect(decision.payload).toMatchObject({
      title: `Approved and running: deploy of notify-hello (registry.example.com/acme/notify-hello:1.0.0) to ${PROD}`,
      topic: 'stagecraft-approvals',
      severity: 'normal',
    });
    expect(decision.payload.description).toMatch(
      /^Approved by user:default\/alice: "go"; revision 1 runs in notify-prod/,
    );
  });

  it('a rollout refused by the quota notifies the component owner once, with the reason', async () => {
    await request(server)
      .post(`/api/stagecraft/components/${C}/deploy`)
      .set('Authorization', as('bob'))
      .send({ environment: TINY })
      .expect(201);
    const scope = new RegExp(`^stagecraft:rollout:${COMPONENT}@${TINY}#1$`);
    const [notice] = await eventually(
      "the owner's rollout notice",
      async () => {
        const found = await about('dave', scope);
        return found.length ? found : undefined;
      },
    );
    expect(notice.payload).toMatchObject({
      title: `Rollout failed: notify-hello in ${TINY} (FailedCreate)`,
      topic: 'stagecraft-rollouts',
      severity: 'high',
      link: '/catalog/default/component/notify-hello/deployments',
    });
    expect(notice.payload.description).toMatch(/exceeded quota/);
    // the controller keeps retrying (more cache events); still one notice each
    await eventually('the controller retrying', async () => {
      const events = await request(server)
        .get(
          `/api/stagecraft/components/${C}/cluster-events?environment=${TINY}`,
        )
        .set('Authorization', as('bob'));
      const quota = events.body.items?.find(
        (e: { reason: string }) => e.reason === 'FailedCreate',
      );
      return quota?.count >= 2 ? true : undefined;
    });
    expect(await about('dave', scope)).toHaveLength(1);
    expect(await about('bob', scope)).toHaveLength(1);
    expect(await about('alice', scope)).toEqual([]);
  });
});
