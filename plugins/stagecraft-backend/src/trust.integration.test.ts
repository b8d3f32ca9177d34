// Issue 18 on the real control plane: what the actions answer says is what
// the API does — the pipeline's promotion target, config-only deploys, dry
// runs that show the resources' objects, pause truth, maxTtl, and a teardown
// that unregisters what a "New service" run registered, step by step.
import { AppsV1Api } from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { parse } from 'yaml';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const apps = kubeconfig('admin').makeApiClient(AppsV1Api);
const REF = 'component:default/trust';
const C = encodeURIComponent(REF);
const TASK = 'task-trust-1';
const ENVS = ['trust-dev', 'trust-staging', 'trust-pr', 'trust-db'];
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const workload = (db: boolean) => `apiVersion: score.dev/v1b1
metadata:
  name: trust
containers:
  main:
    image: registry.example.com/acme/trust:1.0.0
    variables:
      GREETING: hi${db ? '\n      DATABASE_URL: ${resources.db.uri}' : ''}
${db ? 'resources:\n  db:\n    type: postgres\n' : ''}`;

const catalogInfo = () => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: trust
  annotations:
    stagecraft.io/workload: ./trust.score.yaml
    stagecraft.io/scaffolder-task: ${TASK}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
  system: trust
`;

describe('a UI a person can trust, on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  const call = (
    method: 'get' | 'post' | 'put',
    p: string,
    body?: object,
    user = 'bob',
  ) => {
    const r = request(server)
      [method](`/api/stagecraft${p}`)
      .set('Authorization', as(user));
    return body ? r.send(body) : r;
  };
  const deployment = (env: string) =>
    eventually(`the deployment in ${env}`, async () =>
      (await call('get', `/components/${C}/deployments`)).body.items.find(
        (d: any) => d.environment === env,
      ),
    );
  /** Waits until the catalog answers `status` for the component. */
  const inCatalog = (status: number, what: string) =>
    eventually(what, async () =>
      (
        await request(server)
          .get('/api/catalog/entities/by-name/component/default/trust')
          .set('Authorization', as('bob'))
      ).status === status
        ? true
        : undefined,
    );
  const liveImage = async (namespace: string) =>
    (await apps.readNamespacedDeployment({ name: 'trust', namespace })).spec
      ?.template.spec?.containers[0].image;

  beforeAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    server = await startIntegrationBackend({
      groups: { 'user:default/bob': ['group:default/team-a'] },
      // the catalog reads the published files from Stagecraft's local
      // sources, as a "New service" run's catalog:register step does
      backend: {
        reading: {
          allow: [
            {
              host: '127.0.0.1:1024-65535',
              paths: ['/api/stagecraft/sources/'],
            },
          ],
        },
      },
      stagecraft: {
        localSources: { enabled: true },
        environmentTypes: [
          { name: 'preview', tier: 'preview', maxTtl: '7d' },
          { name: 'development', tier: 'development' },
          { name: 'staging', tier: 'staging' },
        ],
        resources: {
          readyTimeoutSeconds: 120,
          definitions: [
            {
              id: 'postgres',
              type: 'postgres',
              driver: 'manifests',
              params: { template: 'postgres' },
            },
          ],
        },
      },
    });
    // what the template's publish and catalog:register steps do
    await call('put', '/sources/trust', {
      files: {
        'catalog-info.yaml': catalogInfo(),
        'trust.score.yaml': workload(false),
      },
    }).expect(200);
    await request(server)
      .post('/api/catalog/locations')
      .set('Authorization', as('bob'))
      .send({
        type: 'url',
        target: `http://127.0.0.1:${
          (server.address() as AddressInfo).port
        }/api/stagecraft/sources/trust/catalog-info.yaml`,
      })
      .expect(201);
    await inCatalog(200, 'the component in the catalog');
    // no promotesTo anywhere: the pipeline decides
    for (const [name, type] of [
      ['trust-dev', 'development'],
      ['trust-staging', 'staging'],
      ['trust-pr', 'preview'],
      ['trust-db', 'development'],
    ]) {
      await call('post', '/environments', {
        name,
        type,
        owner: 'group:default/team-a',
        system: 'trust',
        ...(name === 'trust-dev' && { origin: { taskId: TASK } }),
      }).expect(201);
    }
  });

  afterAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
  });

  it('promotes to the next stage of the pipeline when no promotesTo is set, as the actions answer says', async () => {
    await call('post', `/components/${C}/deploy`, {
      environment: 'trust-dev',
      image: '1.0.2',
      origin: { taskId: TASK },
    }).expect(201);
    const actions = await call(
      'get',
      `/components/${C}/actions?environment=trust-dev`,
    ).expect(200);
    expect(actions.body).toMatchObject({
      promotesTo: 'trust-staging',
      actions: { promote: { allowed: true } },
    });
    const pipeline = await call('get', '/pipeline?system=trust').expect(200);
    expect(
      pipeline.body.items[0].stages.map((s: any) => [
        s.environment,
        s.promotesTo ?? null,
      ]),
    ).toEqual([
      ['trust-db', 'trust-staging'],
      ['trust-dev', 'trust-staging'],
      ['trust-staging', null],
      ['trust-pr', null],
    ]);
    const promoted = await call('post', `/components/${C}/promote`, {
      from: 'trust-dev',
    });
    expect(promoted.status).toBe(201);
    expect(promoted.body.revision.environment).toBe('trust-staging');
    const d = await deployment('trust-dev');
    expect(d.promotesTo).toBe('trust-staging');
  });

  it('a deploy without an image keeps the running image (config-only), live in the cluster', async () => {
    await request(server)
      .put('/api/stagecraft/config')
      .set('Authorization', as('bob'))
      .send({ environment: 'trust-dev', values: { LOG_LEVEL: 'debug' } })
      .expect(201);
    const res = await call('post', `/components/${C}/deploy`, {
      environment: 'trust-dev',
    }).expect(201);
    expect(res.body.configOnly).toBe(true);
    expect(res.body.release.image).toBe(
      'registry.example.com/acme/trust:1.0.2',
    );
    expect(await liveImage('trust-dev')).toBe(
      'registry.example.com/acme/trust:1.0.2',
    );
  });

  it('the dry run lists the database objects it would write and writes none', async () => {
    const res = await call('post', `/components/${C}/deploy`, {
      environment: 'trust-db',
      workload: parse(workload(true)),
      dryRun: true,
    }).expect(200);
    expect(
      res.body.objects.map(
        (o: any) => `${o.source} ${o.kind}/${o.name} ${o.change}`,
      ),
    ).toEqual([
      'resource:trust-db Secret/trust-db create-if-absent',
      'resource:trust-db Service/trust-db create',
      'resource:trust-db StatefulSet/trust-db create',
      'workload Deployment/trust create',
    ]);
    expect(res.body.diff).toContain('+++ desired/StatefulSet/trust-db');
    await expect(
      apps.readNamespacedStatefulSet({
        name: 'trust-db',
        namespace: 'trust-db',
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('pause and resume tell the truth, and a second one answers 409', async () => {
    const paused = await call('post', '/environments/trust-dev/pause');
    expect(paused.status).toBe(200);
    const d = await eventually('paused in the answer', async () => {
      const x = await deployment('trust-dev');
      return x.paused ? x : undefined;
    });
    expect(d.status.phase).toBe('paused');
    const again = await call('post', '/environments/trust-dev/pause');
    expect([again.status, again.body.error.message]).toEqual([
      409,
      'trust-dev is already paused',
    ]);
    const env = await call('get', '/environments/trust-dev/actions');
    expect(env.body.actions.pause.reason.code).toBe('paused');
    await call('post', '/environments/trust-dev/resume').expect(200);
    const twice = await call('post', '/environments/trust-dev/resume');
    expect([twice.status, twice.body.error.message]).toEqual([
      409,
      'trust-dev is not paused; there is nothing to resume',
    ]);
  });

  it('extend beyond the type’s maxTtl is refused naming ttl and the limit', async () => {
    const res = await call('post', '/environments/trust-pr/extend', {
      ttl: '7d',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'beyond the maxTtl of 7d of environment type "preview"',
    );
    const ok = await call('post', '/environments/trust-pr/extend', {
      ttl: '1d',
    });
    expect(ok.status).toBe(200);
  });

  it('teardown removes the run’s deployments, environment and catalog registration, step by step', async () => {
    const plan = await call('get', `/teardown/${TASK}`).expect(200);
    expect(plan.body.steps.map((s: any) => s.id)).toEqual([
      'environment:trust-dev',
      `catalog:${REF}`,
    ]);
    for (const step of plan.body.steps) {
      const res = await call('post', `/teardown/${TASK}`, {
        confirm: true,
        step: step.id,
      }).expect(200);
      expect(res.body.steps.find((s: any) => s.id === step.id).status).toBe(
        'done',
      );
    }
    await inCatalog(404, 'the component gone from the catalog');
    const locations = await request(server)
      .get('/api/catalog/locations')
      .set('Authorization', as('bob'));
    expect(
      locations.body.filter((l: any) =>
        String(l.data?.target ?? l.target).includes('/sources/trust/'),
      ),
    ).toEqual([]);
    expect((await call('get', `/teardown/${TASK}`)).body.steps).toEqual([]);
  });
});
