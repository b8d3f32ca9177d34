// Issue 13 on the real control plane: approvals and deployment windows,
// restart, scale, pause/resume, clone and teardown, usage — through the real
// plugin, routes and catalog.
import { AppsV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  inCatalog,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const apps = admin.makeApiClient(AppsV1Api);
const objects = KubernetesObjectApi.makeApiClient(admin);
const C = encodeURIComponent('component:default/ops');
const ENVS = [
  'ops-dev',
  'ops-prod',
  'ops-closed',
  'ops-preview',
  'ops-clone',
  'ops-clone-gated',
  'ops-task-env',
];
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: ops
containers:
  main:
    image: registry.example.com/acme/ops:1.0.0
    resources:
      requests: { cpu: 100m, memory: 64Mi }
      limits: { cpu: 200m, memory: 128Mi }
`;
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ops
  annotations:
    stagecraft.io/workload: ./ops.score.yaml
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

describe('approvals, windows and day-2 operations on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const api = () => request(server);
  const call = (
    method: 'get' | 'post',
    p: string,
    user = 'bob',
    body?: object,
  ) => {
    const r = api()
      [method](`/api/stagecraft${p}`)
      .set('Authorization', as(user));
    return body ? r.send(body) : r;
  };
  const status = async (env: string) =>
    (await call('get', `/components/${C}/deployments`)).body.items.find(
      (d: any) => d.environment === env,
    );
  const complete = (env: string, releaseId: string, replicas = 1) =>
    eventually(`${env} running ${releaseId} with ${replicas}`, async () => {
      const d = await status(env);
      return d?.status.phase === 'complete' &&
        d.status.release === releaseId &&
        d.status.replicas.available === replicas
        ? d
        : undefined;
    });
  let releaseId: string;

  beforeAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-ops-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'ops.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      groups: {
        'user:default/alice': ['group:default/platform'],
        'user:default/bob': ['group:default/team-a'],
        'user:default/carol': ['group:default/team-a'],
      },
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        promotion: { allowTierSkip: true },
        cost: { currency: 'EUR', cpuHour: 0.04, memoryGiBHour: 0.005 },
        environmentTypes: [
          { name: 'preview', tier: 'preview' },
          { name: 'development', tier: 'development' },
          {
            name: 'production',
            tier: 'production',
            approvals: { required: 1, group: 'group:default/platform' },
          },
          {
            // open for one minute on 29 February only
            name: 'frozen',
            tier: 'staging',
            deployWindows: [{ cron: '0 0 29 2 *', duration: '1m' }],
          },
        ],
      },
    });
    for (const [name, type] of [
      ['ops-dev', 'development'],
      ['ops-prod', 'production'],
      ['ops-closed', 'frozen'],
      ['ops-preview', 'preview'],
    ]) {
      await call('post', '/environments', 'alice', {
        name,
        type,
        owner: 'group:default/team-a',
      }).expect(201);
    }
    await inCatalog(server, 'component/default/ops');
    const res = await call('post', `/components/${C}/deploy`, 'bob', {
      environment: 'ops-dev',
    }).expect(201);
    releaseId = res.body.release.id;
    await complete('ops-dev', releaseId);
  });

  afterAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a production promotion waits for approval, then runs the same release', async () => {
    const res = await call('post', `/components/${C}/promote`, 'bob', {
      from: 'ops-dev',
      to: 'ops-prod',
    });
    expect(res.status).toBe(202);
    const pending = res.body.pending;
    expect(pending).toMatchObject({
      state: 'pending',
      releaseId,
      required: 1,
      group: 'group:default/platform',
      requestedBy: 'user:default/bob',
    });
    await expect(
      apps.readNamespacedDeployment({ name: 'ops', namespace: 'ops-prod' }),
    ).rejects.toMatchObject({ code: 404 });
    // asking again gives the same request
    const again = await call('post', `/components/${C}/promote`, 'bob', {
      from: 'ops-dev',
      to: 'ops-prod',
    });
    expect(again.body.pending.id).toBe(pending.id);
    const listed = await call(
      'get',
      `/approvals?environment=ops-prod&state=pending`,
    );
    expect(listed.body.items.map((r: any) => r.id)).toEqual([pending.id]);

    const own = await call(
      'post',
      `/approvals/${pending.id}/approve`,
      'bob',
      {},
    );
    expect(own.status).toBe(403);
    expect(own.body.error.message).toContain('cannot approve');
    const outsider = await call(
      'post',
      `/approvals/${pending.id}/approve`,
      'carol',
      {},
    );
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toContain(
      'not a member of group:default/platform',
    );

    const approved = await call(
      'post',
      `/approvals/${pending.id}/approve`,
      'alice',
      {
        comment: 'looks good',
      },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'executed',
      revision: 1,
      approvals: [{ by: 'user:default/alice', comment: 'looks good' }],
    });
    await complete('ops-prod', releaseId);
    const history = await call(
      'get',
      `/components/${C}/history?environment=ops-prod`,
    );
    expect(history.body.items[0]).toMatchObject({
      action: 'promote',
      releaseId,
      from: 'ops-dev',
      approval: { id: pending.id, approvers: ['user:default/alice'] },
    });
    const decided = await call(
      'post',
      `/approvals/${pending.id}/reject`,
      'alice',
      {},
    );
    expect(decided.status).toBe(409);
  });

  it('a deploy outside the window is refused with the next allowed time, nothing applied', async () => {
    const res = await call('post', `/components/${C}/deploy`, 'alice', {
      environment: 'ops-closed',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'ops-closed is outside its deployment windows; next allowed at 2028-02-29T00:00:00.000Z',
    );
    await expect(
      apps.readNamespacedDeployment({ name: 'ops', namespace: 'ops-closed' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('restart changes the pod template and the rollout completes', async () => {
    const before = await apps.readNamespacedDeployment({
      name: 'ops',
      namespace: 'ops-dev',
    });
    const res = await call('post', `/components/${C}/restart`, 'bob', {
      environment: 'ops-dev',
    }).expect(200);
    expect(res.body.revision).toMatchObject({ action: 'restart', releaseId });
    const after = await apps.readNamespacedDeployment({
      name: 'ops',
      namespace: 'ops-dev',
    });
    const stamp =
      after.spec?.template.metadata?.annotations?.[
        'kubectl.kubernetes.io/restartedAt'
      ];
    expect(stamp).toBe(res.body.revision.restartedAt);
    expect(after.metadata?.generation).toBeGreaterThan(
      before.metadata!.generation!,
    );
    await eventually('the restart rolled out', async () => {
      const d = await apps.readNamespacedDeployment({
        name: 'ops',
        namespace: 'ops-dev',
      });
      return d.status?.observedGeneration === d.metadata?.generation &&
        d.status?.updatedReplicas === 1 &&
        d.status?.availableReplicas === 1
        ? true
        : undefined;
    });
    await complete('ops-dev', releaseId);
  });

  it('scale stays within the quota', async () => {
    const res = await call('post', `/components/${C}/scale`, 'bob', {
      environment: 'ops-dev',
      replicas: 3,
    }).expect(200);
    expect(res.body.revision).toMatchObject({ action: 'scale', replicas: 3 });
    await complete('ops-dev', releaseId, 3);
    const tooMany = await call('post', `/components/${C}/scale`, 'bob', {
      environment: 'ops-dev',
      replicas: 500,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(
      /replicas 500 does not fit the quota of ops-dev: .*CPU cores requested/,
    );
    const usage = await call('get', '/environments/ops-dev/usage').expect(200);
    expect(usage.body).toMatchObject({
      environment: 'ops-dev',
      pods: 3,
      requests: { cpu: 0.3, memory: 3 * 64 * 1024 ** 2 },
      limits: { cpu: 0.6, memory: 3 * 128 * 1024 ** 2 },
      estimate: { currency: 'EUR' },
    });
    // 0.3 cores x 0.04 + 0.1875 GiB x 0.005, for 730 hours
    expect(usage.body.estimate.monthly).toBeCloseTo(
      (0.3 * 0.04 + 0.1875 * 0.005) * 730,
      2,
    );
  });

  it('pausing a preview scales it to zero and resuming restores its replicas', async () => {
    await call('post', `/components/${C}/deploy`, 'bob', {
      environment: 'ops-preview',
      replicas: 2,
    }).expect(201);
    await complete('ops-preview', releaseId, 2);
    const paused = await call(
      'post',
      '/environments/ops-preview/pause',
      'bob',
    ).expect(200);
    expect(paused.body.components).toEqual([
      expect.objectContaining({
        component: 'component:default/ops',
        replicas: 2,
      }),
    ]);
    await eventually('scaled to zero', async () => {
      const d = await apps.readNamespacedDeployment({
        name: 'ops',
        namespace: 'ops-preview',
      });
      return d.spec?.replicas === 0 ? true : undefined;
    });
    const resumed = await call(
      'post',
      '/environments/ops-preview/resume',
      'bob',
    ).expect(200);
    expect(resumed.body.components).toEqual([
      expect.objectContaining({
        component: 'component:default/ops',
        replicas: 2,
      }),
    ]);
    await complete('ops-preview', releaseId, 2);
    const prod = await call('post', '/environments/ops-prod/pause', 'alice');
    expect(prod.status).toBe(400);
    expect(prod.body.error.message).toContain('only preview and development');
  });

  it('a clone runs the same release ids with the same config values', async () => {
    await api()
      .put('/api/stagecraft/config')
      .set('Authorization', as('bob'))
      .send({ environment: 'ops-dev', values: { LOG_LEVEL: 'debug' } })
      .expect(201);
    const res = await call('post', '/environments/ops-dev/clone', 'bob', {
      name: 'ops-clone',
    });
    expect(res.status).toBe(201);
    expect(res.body.deployed).toEqual([
      expect.objectContaining({
        component: 'component:default/ops',
        releaseId,
      }),
    ]);
    expect(res.body.configCopied).toBe(1);
    await complete('ops-clone', releaseId, 3);
    const config = await call('get', '/config?environment=ops-clone');
    expect(config.body.values).toMatchObject({ LOG_LEVEL: 'debug' });
  });

  it('a clone into a type that needs approvals makes a pending request per release, never a silent deploy', async () => {
    const res = await call('post', '/environments/ops-dev/clone', 'bob', {
      name: 'ops-clone-gated',
      type: 'production',
    });
    expect(res.status).toBe(201);
    expect(res.body.deployed).toEqual([
      {
        component: 'component:default/ops',
        releaseId,
        pending: expect.any(String),
      },
    ]);
    const approval = await call(
      'get',
      `/approvals/${res.body.deployed[0].pending}`,
    );
    expect(approval.body).toMatchObject({
      state: 'pending',
      environment: 'ops-clone-gated',
      releaseId,
    });
    // nothing of the component was written or recorded
    const history = await call(
      'get',
      `/components/${C}/history?environment=ops-clone-gated`,
    );
    expect(history.body.items).toEqual([]);
    const deployments = await apps.listNamespacedDeployment({
      namespace: 'ops-clone-gated',
    });
    expect(deployments.items).toEqual([]);
  });

  it('teardown removes what a template run created, and leaves no labelled object behind', async () => {
    const origin = {
      taskId: 'task-ops-1',
      template: 'template:default/new-environment',
    };
    await call('post', '/environments', 'bob', {
      name: 'ops-task-env',
      type: 'preview',
      owner: 'group:default/team-a',
      origin,
    }).expect(201);
    await call('post', `/components/${C}/deploy`, 'bob', {
      environment: 'ops-task-env',
      origin,
    }).expect(201);
    await call('post', `/components/${C}/deploy`, 'bob', {
      environment: 'ops-preview',
      origin,
    }).expect(201);
    const plan = await call('get', '/teardown/task-ops-1').expect(200);
    expect(plan.body).toMatchObject({
      taskId: 'task-ops-1',
      environments: [
        { name: 'ops-task-env', namespace: 'ops-task-env', tier: 'preview' },
      ],
      deployments: [
        { component: 'component:default/ops', environment: 'ops-preview' },
      ],
      catalog: [],
    });
    // reverse order of creation: the deployment elsewhere, then the environment
    expect(plan.body.steps.map((s: any) => s.id)).toEqual([
      'deployment:component:default/ops@ops-preview',
      'environment:ops-task-env',
    ]);
    const refused = await call('post', '/teardown/task-ops-1', 'bob', {});
    expect(refused.status).toBe(400);
    const done = await call('post', '/teardown/task-ops-1', 'bob', {
      confirm: true,
    });
    expect(done.status).toBe(200);
    await expect(
      apps.readNamespacedDeployment({ name: 'ops', namespace: 'ops-preview' }),
    ).rejects.toMatchObject({ code: 404 });
    const left = [];
    for (const [apiVersion, kind] of [
      ['v1', 'Namespace'],
      ['apps/v1', 'Deployment'],
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
    ]) {
      const list = await objects.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        'stagecraft.io/environment=ops-task-env',
      );
      left.push(...list.items.map(o => `${kind}/${o.metadata?.name}`));
    }
    expect(left).toEqual([]);
    expect((await status('ops-preview')) ?? null).toBeNull();
    const again = await call('get', '/teardown/task-ops-1').expect(200);
    expect(again.body).toEqual({
      taskId: 'task-ops-1',
      environments: [],
      deployments: [],
      catalog: [],
      steps: [],
    });
  });
});
