// The security suite: the hostile-input corpus (security/__fixtures__/corpus.ts) against
// a running backend and the real control plane, plus hostile action inputs
// and a canary secret through a scaffolder action. Every input must be
// refused with a 4xx naming the field, and the cluster and database must be
// exactly as before. Writes a summary for the test command to print.
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createConfigSetAction,
  createKubernetesApplyAction,
  createPublishLocalAction,
} from '@stagecraft/backstage-plugin-scaffolder-backend-module-stagecraft';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  clientFor,
  deleteNamespace,
  kubeconfig,
  startIntegrationBackend,
} from '../__testUtils__/integration';
import { CORPUS, HostileCase, TARGET } from './__fixtures__/corpus';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const core = admin.makeApiClient(CoreV1Api);
const objects = KubernetesObjectApi.makeApiClient(admin);
const E = TARGET.environment;
const AUTH = mockCredentials.user.header();
const CANARY = `canary-${Date.now().toString(36)}-s3cr3t`;
const logs: string[] = [];
const results = {
  tried: 0,
  refused: 0,
  unexpected: [] as string[],
  changes: -1,
};

/** Everything a hostile request could have changed, cluster and database. */
async function snapshot(server: any) {
  const namespaces = (await core.listNamespace()).items.map(
    n => `${n.metadata!.name}@${n.metadata!.resourceVersion}`,
  );
  const inCluster: string[] = [];
  for (const [apiVersion, kind] of [
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['v1', 'ResourceQuota'],
    ['v1', 'Pod'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'DaemonSet'],
    ['apps/v1', 'ReplicaSet'],
    ['batch/v1', 'Job'],
    ['batch/v1', 'CronJob'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
  ]) {
    const list = await objects.list(apiVersion, kind);
    inCluster.push(
      ...list.items.map(
        o =>
          `${kind} ${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`,
      ),
    );
  }
  for (const [apiVersion, kind] of [
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ]) {
    const list = await objects.list(apiVersion, kind);
    inCluster.push(...list.items.map(o => `${kind} ${o.metadata?.name}`));
  }
  const get = async (p: string) =>
    (
      await request(server)
        .get(`/api/stagecraft${p}`)
        .set('Authorization', AUTH)
    ).body;
  const C = encodeURIComponent(TARGET.component);
  const database = {
    environments: (await get('/environments')).items.map(
      (e: any) => `${e.name}@${e.updatedAt}`,
    ),
    config: await get(`/config/history?environment=${E}`),
    secrets: await get(`/secrets?environment=${E}&component=${C}`),
    history: await get(`/components/${C}/history?environment=${E}`),
    resources: await get(`/environments/${E}/resources`),
    source: (
      await request(server).get(
        '/api/stagecraft/sources/sec-repo/catalog-info.yaml',
      )
    ).status,
  };
  return {
    namespaces: namespaces.sort(),
    inCluster: inCluster.sort(),
    database,
  };
}

function send(server: any, c: HostileCase) {
  const req = (request(server) as any)
    [c.method](`/api/stagecraft${c.path}`)
    .set('Authorization', AUTH);
  if (c.raw !== undefined) {
    return req.set('Content-Type', 'application/json').send(c.raw);
  }
  return c.body === undefined ? req : req.send(c.body);
}

describe('security suite: hostile inputs change nothing', () => {
  let server: any;
  let client: StagecraftClient;
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    await deleteNamespace(E);
    await deleteNamespace('sec-new');
    server = await startIntegrationBackend({
      logs,
      stagecraft: {
        environmentTypes: [{ name: 'development', tier: 'development' }],
        apply: {
          allowedKinds: [
            'ConfigMap',
            'Service',
            // the Pod Security classes: every kind that carries a pod template
            'Pod',
            'Deployment.apps',
            'StatefulSet.apps',
            'DaemonSet.apps',
            'ReplicaSet.apps',
            'Job.batch',
            'CronJob.batch',
          ],
        },
        localSources: { enabled: true },
      },
    });
    client = clientFor(server);
    const created = await request(server)
      .post('/api/stagecraft/environments')
      .set('Authorization', AUTH)
      .send({ name: E, type: 'development', owner: 'group:default/sec' });
    if (created.status !== 201) {
      throw new Error(`setup: creating ${E} answered ${created.status}`);
    }
    await request(server)
      .put('/api/stagecraft/config')
      .set('Authorization', AUTH)
      .send({ environment: E, values: { LOG_LEVEL: 'info' } })
      .expect(201);
    before = await snapshot(server);
  });

  afterAll(async () => {
    await deleteNamespace(E);
    const summary = {
      corpus: CORPUS.length,
      tried: results.tried,
      refused: results.refused,
      unexpected: results.unexpected.length,
      changes: results.changes,
    };
    const out = path.resolve(__dirname, '../../../../.artifacts/test');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(
      path.join(out, 'security-summary.txt'),
      `security suite: ${summary.tried} hostile inputs tried, ${
        summary.refused
      } refused with a clear 4xx, cluster/database changes = ${
        summary.changes < 0 ? 'not measured' : summary.changes
      }, unexpected = ${summary.unexpected}\n`,
    );
  });

  it('has at least 150 hostile inputs, each with a unique id', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CORPUS.map(c => c.id)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map(c => [c.id, c] as const))('refuses %s', async (_id, c) => {
    results.tried++;
    const res = await send(server, c);
    const message = String(res.body?.error?.message ?? res.text ?? '');
    const ok =
      c.status.includes(res.status) &&
      (!c.names || message.toLowerCase().includes(c.names.toLowerCase()));
    if (ok) results.refused++;
    else results.unexpected.push(`${c.id}: ${res.status} ${message}`);
    expect({ id: c.id, status: res.status }).toEqual({
      id: c.id,
      status: c.status.includes(res.status) ? res.status : c.status[0],
    });
    expect(message.toLowerCase()).toContain((c.names ?? '').toLowerCase());
  });

  it.each([
    [
      'kubernetes:apply: a workspace path outside the workspace',
      async () =>
        createKubernetesApplyAction({ client }).handler(
          createMockActionContext({
            input: { environment: E, path: '../../../../etc/hostname' },
            workspacePath: fs.mkdtempSync(path.join(os.tmpdir(), 'ws-')),
          }),
        ),
      /outside|not allowed/i,
    ],
    [
      'kubernetes:apply: a ClusterRoleBinding',
      async () =>
        createKubernetesApplyAction({ client }).handler(
          createMockActionContext({
            input: {
              environment: E,
              manifest:
                'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: x }',
            },
          }),
        ),
      /never creates ClusterRoleBindings/,
    ],
    [
      'stagecraft:publish:local: sourcePath outside the workspace',
      async () =>
        createPublishLocalAction({ client }).handler(
          createMockActionContext({
            input: { repo: 'sec-repo', sourcePath: '../..' },
            workspacePath: fs.mkdtempSync(path.join(os.tmpdir(), 'ws-')),
          }),
        ),
      /inside the workspace/,
    ],
    [
      'stagecraft:config:set: a secret that is not among the task secrets',
      async () =>
        createConfigSetAction({ client }).handler(
          createMockActionContext({
            input: {
              environment: E,
              component: TARGET.component,
              secrets: { API_TOKEN: 'notThere' },
            },
            secrets: {},
          }),
        ),
      /not among this task's secrets/,
    ],
    [
      'stagecraft:config:set: a hostile key',
      async () =>
        createConfigSetAction({ client }).handler(
          createMockActionContext({
            input: { environment: E, values: { 'A;B': 'x' } },
          }),
        ),
      /A;B/,
    ],
  ])('action refuses %s', async (_what, run, message) => {
    results.tried++;
    await expect(run()).rejects.toThrow(message);
    results.refused++;
  });

  it('leaves the cluster and the database exactly as they were', async () => {
    const after = await snapshot(server);
    const lines = (x: typeof before) => [
      ...x.namespaces,
      ...x.inCluster,
      ...Object.entries(x.database).map(
        ([k, v]) => `${k} ${JSON.stringify(v)}`,
      ),
    ];
    const was = new Set(lines(before));
    const now = new Set(lines(after));
    results.changes =
      [...now].filter(l => !was.has(l)).length +
      [...was].filter(l => !now.has(l)).length;
    expect(after).toEqual(before);
  });

  it('a canary secret set through a task never shows in task logs, outputs, responses, audit or backend logs', async () => {
    const taskLog: string[] = [];
    const ctx = createMockActionContext({
      input: {
        environment: E,
        component: TARGET.component,
        secrets: { API_TOKEN: 'apiToken' },
      },
      secrets: { apiToken: CANARY },
    });
    ctx.logger.info = ((m: string) => void taskLog.push(m)) as any;
    await createConfigSetAction({ client }).handler(ctx);
    const outputs = JSON.stringify((ctx.output as jest.Mock).mock.calls);
    const C = encodeURIComponent(TARGET.component);
    const responses = [
      await request(server)
        .get(`/api/stagecraft/secrets?environment=${E}&component=${C}`)
        .set('Authorization', AUTH),
      await request(server)
        .get(`/api/stagecraft/environments/${E}/audit`)
        .set('Authorization', AUTH),
      await request(server)
        .get(`/api/stagecraft/config?environment=${E}&component=${C}`)
        .set('Authorization', AUTH),
    ].map(r => r.text);
    expect(taskLog.join('\n')).toContain('Secret API_TOKEN: version 1');
    for (const [where, text] of [
      ['task log', taskLog.join('\n')],
      ['task outputs', outputs],
      ['responses', responses.join('\n')],
      ['backend logs', logs.join('\n')],
    ]) {
      expect([where, text.includes(CANARY)]).toEqual([where, false]);
    }
  });
});
