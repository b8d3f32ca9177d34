// GitOps delivery on the real control plane with real Flux (source- and
// kustomize-controller, `STAGECRAFT_FLUX=1 bash dev/cluster/cluster.sh up`)
// and a real Git server on loopback (`bash dev/git/git-server.sh start`):
// Stagecraft commits, Flux fetches and applies, the watch cache reports.
import { AppsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  eventually,
  inCatalog,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';
import { gitServer } from './__testUtils__/gitServer';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const apps = admin.makeApiClient(AppsV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);
const REF = 'component:default/shop';
const COMPONENT = encodeURIComponent(REF);
const ENVS = ['shop-dev', 'shop-stg', 'shop-prod'];
const CANARY = `canary-${Math.random().toString(36).slice(2)}-value`;
const IMAGE = 'registry.example.com/acme/shop';

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: shop
containers:
  main:
    image: ${IMAGE}:1.0.0
    variables:
      GREETING: hello
service:
  ports:
    http:
      port: 80
      targetPort: 8080
`;

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations:
    stagecraft.io/workload: ./shop.score.yaml
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

/** The answer, failing with its body when the status is not `status`. */
function expectStatus(res: request.Response, status: number) {
  if (res.status !== status) {
    throw new Error(
      `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
  return res;
}

/** One of Stagecraft's Kustomizations (rejects with code 404 when absent). */
const kustomization = (name: string): Promise<any> =>
  custom.getNamespacedCustomObject({
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    namespace: 'stagecraft-gitops',
    plural: 'kustomizations',
    name,
  });

const imageOf = async (namespace: string) =>
  (await apps.readNamespacedDeployment({ name: 'shop', namespace })).spec!
    .template.spec!.containers[0].image;

describe('GitOps delivery through Flux', () => {
  const git = gitServer();
  const repository = git.create(`gitops-${process.pid}`);
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  let clone: ReturnType<typeof git.clone>;
  const api = () => request(server);
  const release: Record<string, string> = {};
  const commits: Record<string, string> = {};

  const deployment = async (env: string) =>
    (
      await api().get(`/api/stagecraft/components/${COMPONENT}/deployments`)
    ).body.items.find((d: any) => d.environment === env);
  const appliedAndComplete = (
    env: string,
    releaseId: string,
    commit?: string,
  ) =>
    eventually(
      `${env}: ${releaseId} applied by Flux and rolled out`,
      async () => {
        const d = await deployment(env);
        return d?.gitops?.stage === 'applied' &&
          (!commit || d.gitops.commit === commit) &&
          d.status.phase === 'complete' &&
          d.status.release === releaseId
          ? d
          : undefined;
      },
      120_000,
    );

  beforeAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-gitops-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'shop.score.yaml'), WORKLOAD);
    const gitops = { repository, branch: 'main', interval: '5s' };
    server = await startIntegrationBackend({
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      extraConfig: { integrations: git.integrations() },
      stagecraft: {
        environmentTypes: [
          { name: 'development', tier: 'development' },
          { name: 'staging', tier: 'staging', delivery: 'gitops', gitops },
          {
            name: 'production',
            tier: 'production',
            delivery: 'gitops',
            gitops,
          },
        ],
      },
    });
    await inCatalog(server, 'component/default/shop');
  });

  afterAll(async () => {
    // what a failed run may leave: the Flux objects, then the namespaces
    await Promise.all(
      ENVS.flatMap(name =>
        ['kustomizations', 'gitrepositories'].map(plural =>
          custom
            .deleteNamespacedCustomObject({
              group:
                plural === 'kustomizations'
                  ? 'kustomize.toolkit.fluxcd.io'
                  : 'source.toolkit.fluxcd.io',
              version: 'v1',
              namespace: 'stagecraft-gitops',
              plural,
              name: `stagecraft-${name}`,
            })
            .catch(() => undefined),
        ),
      ),
    );
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    clone?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a GitOps environment: its folder in Git and its Flux objects, Ready', async () => {
    for (const [name, type] of [
      ['shop-dev', 'development'],
      ['shop-stg', 'staging'],
      ['shop-prod', 'production'],
    ]) {
      const res = await api()
        .post('/api/stagecraft/environments')
        .send({ name, type, owner: 'group:default/team-a' });
      expect(res.status).toBe(201);
    }
    clone = git.clone(repository);
    expect(clone.read('local/shop-stg/README.md')).toContain(
      'Environment `shop-stg`',
    );
    const stg = await kustomization('stagecraft-shop-stg');
    expect(stg.spec).toMatchObject({
      path: './local/shop-stg',
      prune: true,
      targetNamespace: 'shop-stg',
      serviceAccountName: 'stagecraft-shop-stg',
      sourceRef: { kind: 'GitRepository', name: 'stagecraft-shop-stg' },
    });
    // the apply-mode environment has none
    await expect(kustomization('stagecraft-shop-dev')).rejects.toMatchObject({
      code: 404,
    });
    await eventually('the Kustomization Ready', async () => {
      const k = await kustomization('stagecraft-shop-stg');
      return k.status?.conditions?.find(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      );
    });
  });

  it('deploys v1 as a commit with the rendered objects and no secret value; Flux applies it', async () => {
    const secret = await api().put('/api/stagecraft/secrets').send({
      environment: 'shop-stg',
      component: REF,
      key: 'API_TOKEN',
      value: CANARY,
    });
    expect(secret.status).toBe(200);
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'shop-stg' });
    expect(res.status).toBe(201);
    release.v1 = res.body.release.id;
    expect(res.body.revision).toMatchObject({
      revision: 1,
      delivery: {
        mode: 'gitops',
        repository,
        branch: 'main',
        path: 'local/shop-stg/shop',
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      },
    });
    commits.v1 = res.body.revision.delivery.commit;
    clone.pull();
    expect(clone.git('rev-parse', 'HEAD')).toBe(commits.v1);
    expect(clone.git('log', '-1', '--format=%an|%cn|%s')).toBe(
      `mock|Stagecraft|deploy shop to shop-stg: release ${release.v1}`,
    );
    expect(clone.read('local/shop-stg/shop/kustomization.yaml')).toContain(
      'deployment-shop.yaml',
    );
    expect(clone.read('local/shop-stg/shop/deployment-shop.yaml')).toContain(
      `image: ${IMAGE}:1.0.0`,
    );
    // the Secret is referenced, its value is nowhere in the history
    expect(clone.read('local/shop-stg/shop/deployment-shop.yaml')).toContain(
      'secretKeyRef',
    );
    expect(clone.git('log', '--all', '-p')).not.toContain(CANARY);
    const d = await appliedAndComplete('shop-stg', release.v1, commits.v1);
    expect(d.gitops).toMatchObject({
      stage: 'applied',
      appliedRevision: commits.v1,
      path: 'local/shop-stg/shop',
    });
    // applied by Flux, not by Stagecraft
    const live = await apps.readNamespacedDeployment({
      name: 'shop',
      namespace: 'shop-stg',
    });
    const managers = live.metadata!.managedFields!.map(f => f.manager);
    expect(managers).toContain('kustomize-controller');
    expect(managers).not.toContain('stagecraft');
  });

  it('refuses before committing what the cluster would refuse', async () => {
    const before = (clone.pull(), clone.git('rev-parse', 'HEAD'));
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'shop-stg', image: 'UPPER CASE is not an image' });
    expect(res.status).toBe(400);
    clone.pull();
    expect(clone.git('rev-parse', 'HEAD')).toBe(before);
  });

  it('refuses the guarded apply (a direct write) in a GitOps environment, 409 naming the mode', async () => {
    const res = await api()
      .post('/api/stagecraft/environments/shop-stg/apply')
      .send({
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'direct' },
            data: { a: 'b' },
          },
        ],
      });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(
      'delivers through Git (delivery: gitops)',
    );
  });

  it('promotes the same release to a second GitOps environment: a commit under its path', async () => {
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/promote`)
      .send({ from: 'shop-stg', to: 'shop-prod' });
    expect(res.status).toBe(201);
    expect(res.body.release.id).toBe(release.v1);
    expect(res.body.revision.delivery.path).toBe('local/shop-prod/shop');
    clone.pull();
    expect(clone.read('local/shop-prod/shop/deployment-shop.yaml')).toContain(
      `image: ${IMAGE}:1.0.0`,
    );
    await appliedAndComplete('shop-prod', release.v1);
  });

  it('rolls back with a new commit restoring the earlier release; the cluster follows', async () => {
    const v2 = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'shop-stg', image: `${IMAGE}:2.0.0` });
    expectStatus(v2, 201);
    release.v2 = v2.body.release.id;
    await appliedAndComplete('shop-stg', release.v2);
    expect(await imageOf('shop-stg')).toBe(`${IMAGE}:2.0.0`);
    const back = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/rollback`)
      .send({ environment: 'shop-stg' });
    expect(back.status).toBe(201);
    expect(back.body.revision).toMatchObject({
      action: 'rollback',
      releaseId: release.v1,
    });
    const sha = back.body.revision.delivery.commit;
    clone.pull();
    // a new commit on top, not a rewrite of history
    expect(clone.git('rev-parse', 'HEAD')).toBe(sha);
    expect(clone.git('merge-base', '--is-ancestor', commits.v1, sha)).toBe('');
    expect(clone.git('log', '-1', '--format=%s')).toBe(
      `rollback shop to shop-stg: release ${release.v1}`,
    );
    expect(clone.read('local/shop-stg/shop/deployment-shop.yaml')).toContain(
      `image: ${IMAGE}:1.0.0`,
    );
    await appliedAndComplete('shop-stg', release.v1, sha);
    expect(await imageOf('shop-stg')).toBe(`${IMAGE}:1.0.0`);
  });

  it('scales and restarts through Git too: a commit each, applied by Flux', async () => {
    const scaled = expectStatus(
      await api()
        .post(`/api/stagecraft/components/${COMPONENT}/scale`)
        .send({ environment: 'shop-stg', replicas: 2 }),
      200,
    );
    expect(scaled.body.revision).toMatchObject({
      action: 'scale',
      replicas: 2,
    });
    clone.pull();
    expect(clone.git('rev-parse', 'HEAD')).toBe(
      scaled.body.revision.delivery.commit,
    );
    expect(clone.read('local/shop-stg/shop/deployment-shop.yaml')).toContain(
      'replicas: 2',
    );
    await eventually('Flux to scale the Deployment', async () =>
      (
        await apps.readNamespacedDeployment({
          name: 'shop',
          namespace: 'shop-stg',
        })
      ).spec!.replicas === 2
        ? true
        : undefined,
    );
    const restarted = expectStatus(
      await api()
        .post(`/api/stagecraft/components/${COMPONENT}/restart`)
        .send({ environment: 'shop-stg' }),
      200,
    );
    clone.pull();
    expect(clone.git('rev-parse', 'HEAD')).toBe(
      restarted.body.revision.delivery.commit,
    );
    expect(clone.read('local/shop-stg/shop/deployment-shop.yaml')).toContain(
      'kubectl.kubernetes.io/restartedAt',
    );
    await appliedAndComplete(
      'shop-stg',
      release.v1,
      restarted.body.revision.delivery.commit,
    );
  });

  it('a hand edit in the cluster is shown as drift, then healed by Flux', async () => {
    // Flux held still, so that the edit is seen before it is undone
    const suspend = async (suspended: boolean) => {
      const k = await kustomization('stagecraft-shop-stg');
      k.spec.suspend = suspended;
      await custom.replaceNamespacedCustomObject({
        group: 'kustomize.toolkit.fluxcd.io',
        version: 'v1',
        namespace: 'stagecraft-gitops',
        plural: 'kustomizations',
        name: 'stagecraft-shop-stg',
        body: k,
      });
    };
    await suspend(true);
    const live = await apps.readNamespacedDeployment({
      name: 'shop',
      namespace: 'shop-stg',
    });
    live.spec!.template.spec!.containers[0].image = `${IMAGE}:hand-edit`;
    await apps.replaceNamespacedDeployment({
      name: 'shop',
      namespace: 'shop-stg',
      body: live,
      fieldManager: 'hand-edit',
    });
    expect(await imageOf('shop-stg')).toBe(`${IMAGE}:hand-edit`);
    // the edit's field manager, as the status names it
    const drifted = await eventually(
      'the hand edit in the status',
      async () => {
        const found = await deployment('shop-stg');
        return found?.gitops?.clusterEdits?.length ? found : undefined;
      },
    );
    expect(drifted.gitops.clusterEdits).toEqual([
      expect.objectContaining({
        object: 'Deployment/shop',
        manager: 'hand-edit',
      }),
    ]);
    await suspend(false);
    await eventually(
      'Flux to restore the image from Git',
      async () =>
        (await imageOf('shop-stg')) === `${IMAGE}:1.0.0` ? true : undefined,
      60_000,
    );
    // Flux took the fields back (and dropped the edit's manager)
    await eventually('the drift gone from the status', async () => {
      const found = await deployment('shop-stg');
      return found?.gitops && !found.gitops.clusterEdits ? true : undefined;
    });
  });

  it('a hand edit in Git is shown as changed outside Stagecraft, with the commit', async () => {
    clone.pull();
    const file = 'local/shop-stg/shop/deployment-shop.yaml';
    clone.write(file, clone.read(file).replace(/replicas: \d+/, 'replicas: 3'));
    clone.git('commit', '-q', '-am', 'scale shop by hand');
    clone.git('push', '-q', 'origin', 'main');
    const sha = clone.git('rev-parse', 'HEAD');
    const d = await eventually(
      'the hand commit in the status',
      async () => {
        const found = await deployment('shop-stg');
        return found?.gitops?.changedOutside?.length ? found : undefined;
      },
      60_000,
    );
    expect(d.gitops.changedOutside).toEqual([
      expect.objectContaining({
        sha,
        author: 'Someone Else <else@example.com>',
        message: 'scale shop by hand',
      }),
    ]);
  });

  it('50 concurrent deploys into one repository: 50 commits, none lost, contiguous revisions', async () => {
    clone.pull();
    const head = clone.git('rev-parse', 'HEAD');
    const [latest] = (
      await api().get(
        `/api/stagecraft/components/${COMPONENT}/history?environment=shop-stg`,
      )
    ).body.items;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api()
          .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
          .send({ environment: 'shop-stg', image: `${IMAGE}:3.0.${i}` }),
      ),
    );
    results.forEach(r => expectStatus(r, 201));
    const revisions = results
      .map(r => r.body.revision.revision)
      .sort((a, b) => a - b);
    expect(revisions).toEqual(
      Array.from({ length: 50 }, (_, i) => latest.revision + 1 + i),
    );
    clone.pull();
    const made = clone.git('rev-list', `${head}..HEAD`).split('\n');
    expect(made).toHaveLength(50);
    expect(new Set(results.map(r => r.body.revision.delivery.commit))).toEqual(
      new Set(made),
    );
  });

  it('deleting a GitOps environment removes its Flux objects and its folder', async () => {
    const res = await api()
      .delete('/api/stagecraft/environments/shop-prod')
      .send({ confirm: 'shop-prod' });
    expectStatus(res, 204);
    await eventually('shop-prod gone', async () =>
      (await api().get('/api/stagecraft/environments/shop-prod')).status === 404
        ? true
        : undefined,
    );
    await expect(kustomization('stagecraft-shop-prod')).rejects.toMatchObject({
      code: 404,
    });
    clone.pull();
    expect(clone.exists('local/shop-prod')).toBe(false);
    expect(clone.exists('local/shop-stg/shop/kustomization.yaml')).toBe(true);
  });
});
