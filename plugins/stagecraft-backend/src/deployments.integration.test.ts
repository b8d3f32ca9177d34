// Deployment management against the real local control plane: kwok runs the
// pods, the watch cache reports the rollout, the catalog serves the component.
import { sseReader } from './__testUtils__/sse';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
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

jest.setTimeout(240_000);

const apps = kubeconfig('admin').makeApiClient(AppsV1Api);
const COMPONENT = encodeURIComponent('component:default/hello');
const ENVS = ['hello-dev', 'hello-staging', 'hello-pss'];

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: hello
containers:
  main:
    image: registry.example.com/acme/hello:1.0.0
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
  name: hello
  annotations:
    stagecraft.io/workload: ./hello.score.yaml
    backstage.io/kubernetes-id: hello
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

/** Reads server-sent events from a live stream until `stop` says so. */
function readEvents(
  server: http.Server,
  path_: string,
  stop: (events: any[]) => boolean,
  /** Called with the events so far after every chunk received. */
  onEvents: (events: any[]) => void = () => undefined,
) {
  return new Promise<any[]>((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const events: any[] = [];
    const req = http.get({ host: '127.0.0.1', port, path: path_ }, res => {
      const read = sseReader();
      res.setEncoding('utf8');
      res.on('data', chunk => {
        events.push(...read(chunk).map(e => e.data));
        onEvents(events);
        if (stop(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', e =>
      e.message.includes('socket hang up') ? resolve(events) : reject(e),
    );
    setTimeout(() => {
      req.destroy();
      reject(
        new Error(
          `no matching event within 60 s; got ${JSON.stringify(events).slice(
            0,
            500,
          )}`,
        ),
      );
    }, 60_000);
  });
}

describe('deployments on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const api = () => request(server);
  const release: Record<string, string> = {};

  beforeAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-deploy-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'hello.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [
          { name: 'development', tier: 'development' },
          { name: 'staging', tier: 'staging' },
        ],
      },
    });
    for (const [name, type, promotesTo] of [
      ['hello-dev', 'development', 'hello-staging'],
      ['hello-staging', 'staging', undefined],
    ] as const) {
      await api()
        .post('/api/stagecraft/environments')
        .send({
          name,
          type,
          owner: 'group:default/team-a',
          ...(promotesTo && { promotesTo }),
        })
        .expect(201);
    }
    await inCatalog(server, 'component/default/hello');
  });

  afterAll(async () => {
    await Promise.all(ENVS.map(name => deleteNamespace(name)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const statusIn = async (env: string) => {
    const res = await api().get(
      `/api/stagecraft/components/${COMPONENT}/deployments`,
    );
    return res.body.items.find((d: any) => d.environment === env);
  };
  const completeWith = (env: string, releaseId: string) =>
    eventually(`${env} to run ${releaseId} complete`, async () => {
      const d = await statusIn(env);
      return d?.status.phase === 'complete' && d.status.release === releaseId
        ? d
        : undefined;
    });

  it('a dry run returns the diff and creates nothing', async () => {
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev', dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.diff).toContain('+++ desired/Deployment/hello');
    expect(res.body.diff).toMatch(
      /^\+\s+image: registry\.example\.com\/acme\/hello:1\.0\.0$/m,
    );
    await expect(
      apps.readNamespacedDeployment({ name: 'hello', namespace: 'hello-dev' }),
    ).rejects.toMatchObject({ code: 404 });
    const history = await api().get(
      `/api/stagecraft/components/${COMPONENT}/history?environment=hello-dev`,
    );
    expect(history.body.items).toEqual([]);
  });

  it('deploys v1 to dev and the watch cache reports the rollout complete', async () => {
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev' });
    expect(res.status).toBe(201);
    release.v1 = res.body.release.id;
    expect(res.body.revision).toMatchObject({
      revision: 1,
      action: 'deploy',
      actor: 'user:default/mock',
    });
    const d = await completeWith('hello-dev', release.v1);
    expect(d.status.replicas).toEqual({
      desired: 1,
      updated: 1,
      ready: 1,
      available: 1,
    });
    expect(d.status.pods).toMatchObject({ total: 1, running: 1, ready: 1 });
    const live = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: 'hello-dev',
    });
    expect(live.metadata!.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'hello',
      'app.kubernetes.io/managed-by': 'stagecraft',
    });
  });

  const statusUrl = `/api/stagecraft/components/${COMPONENT}/deployments`;
  let etagBeforePromotion = '';

  it('the status answers 304 to its own ETag, without a body', async () => {
    const first = await api().get(statusUrl);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await api()
      .get(statusUrl)
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    etagBeforePromotion = first.headers.etag;
  });

  it('promotes the same release to staging', async () => {
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/promote`)
      .send({ from: 'hello-dev' });
    expect(res.status).toBe(201);
    expect(res.body.release.id).toBe(release.v1);
    expect(res.body.revision).toMatchObject({
      environment: 'hello-staging',
      action: 'promote',
      from: 'hello-dev',
    });
    await completeWith('hello-staging', release.v1);
  });

  it('after the promotion the old ETag gets the new state, with a new ETag', async () => {
    const res = await api()
      .get(statusUrl)
      .set('If-None-Match', etagBeforePromotion);
    expect(res.status).toBe(200);
    expect(res.headers.etag).not.toBe(etagBeforePromotion);
    expect(res.body.items.map((d: any) => d.environment)).toContain(
      'hello-staging',
    );
  });

  it('relates the component to the environments it runs in, in the catalog', async () => {
    await api()
      .post('/api/catalog/refresh')
      .send({ entityRef: 'component:default/hello' })
      .expect(200);
    const relations = await eventually(
      'deployedTo relations on component:default/hello',
      async () => {
        const res = await api().get(
          '/api/catalog/entities/by-name/component/default/hello',
        );
        const refs = (res.body.relations ?? [])
          .filter((r: any) => r.type === 'deployedTo')
          .map((r: any) => r.targetRef)
          .sort();
        return refs.length === 2 ? refs : undefined;
      },
      30_000,
    );
    expect(relations).toEqual([
      'environment:default/hello-dev',
      'environment:default/hello-staging',
    ]);
  });

  it('streams the rollout of v2 live, then rolls back to v1 with three revisions of history', async () => {
    // the stream writes the current state, then subscribes to changes in the
    // same tick: once the initial v1 state is here, no later change is missed
    let initialStateReceived!: () => void;
    const initialState = new Promise<void>(r => (initialStateReceived = r));
    const stream = readEvents(
      server,
      `/api/stagecraft/components/${COMPONENT}/events`,
      events =>
        events.some(
          e =>
            e.environment === 'hello-dev' &&
            e.status.release !== release.v1 &&
            e.status.phase === 'complete',
        ),
      events => {
        if (
          events.some(
            e =>
              e.environment === 'hello-dev' && e.status.release === release.v1,
          )
        )
          initialStateReceived();
      },
    );
    // the stream's own 60 s deadline rejects if it never comes
    await Promise.race([
      initialState,
      stream.then(events => {
        throw new Error(
          `the event stream ended before its initial state: ${JSON.stringify(
            events,
          ).slice(0, 500)}`,
        );
      }),
    ]);
    const v2 = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev', image: '2.0.0' });
    expect(v2.status).toBe(201);
    release.v2 = v2.body.release.id;
    expect(v2.body.release.image).toBe('registry.example.com/acme/hello:2.0.0');
    const events = await stream;
    // the initial state (v1 complete) came first, then the v2 rollout
    expect(events[0]).toMatchObject({
      environment: 'hello-dev',
      status: { release: release.v1 },
    });
    expect(events.at(-1)).toMatchObject({
      status: { release: release.v2, phase: 'complete' },
    });

    const back = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/rollback`)
      .send({ environment: 'hello-dev' });
    expect(back.status).toBe(201);
    expect(back.body.release.id).toBe(release.v1);
    await completeWith('hello-dev', release.v1);
    const live = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: 'hello-dev',
    });
    expect(live.spec!.template.spec!.containers[0].image).toBe(
      'registry.example.com/acme/hello:1.0.0',
    );

    const history = await api().get(
      `/api/stagecraft/components/${COMPONENT}/history?environment=hello-dev`,
    );
    expect(
      history.body.items.map(
        (r: any) =>
          `${r.revision} ${r.action} ${
            r.releaseId === release.v1 ? 'v1' : 'v2'
          } ${r.actor}`,
      ),
    ).toEqual([
      '3 rollback v1 user:default/mock',
      '2 deploy v2 user:default/mock',
      '1 deploy v1 user:default/mock',
    ]);
  });

  it('reports an image that never becomes ready as failed with the reason', async () => {
    // dev/cluster's fault stage: this image never pulls
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({
        environment: 'hello-dev',
        image: 'registry.invalid/never-ready:1',
      });
    expect(res.status).toBe(201);
    const failed = await eventually('the rollout to fail', async () => {
      const d = await statusIn('hello-dev');
      return d?.status.release === res.body.release.id &&
        d.status.phase === 'failed'
        ? d
        : undefined;
    });
    expect(failed.status).toMatchObject({
      phase: 'failed',
      reason: 'ImagePullBackOff',
      message: expect.stringContaining('registry.invalid/never-ready:1'),
    });
  });

  it('deploys per-environment config: dev only, versioned, rolled back', async () => {
    const scope = {
      environment: 'hello-dev',
      component: 'component:default/hello',
    };
    const envOf = async (namespace: string) => {
      const d = await apps.readNamespacedDeployment({
        name: 'hello',
        namespace,
      });
      return Object.fromEntries(
        (d.spec!.template.spec!.containers[0].env ?? []).map(e => [
          e.name,
          e.value,
        ]),
      );
    };
    const put = (values: Record<string, unknown>) =>
      api()
        .put('/api/stagecraft/config')
        .send({ ...scope, values, message: 'tune logging' });
    expect((await put({ LOG_LEVEL: 'debug' })).status).toBe(201);
    expect((await put({ LOG_LEVEL: 'trace' })).status).toBe(201);
    // back to a good image first: a deploy without one keeps the running
    // release's image (the failing one of the test above), config-only
    const deployed = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev', image: '1.0.0' })
      .expect(201);
    expect(deployed.body.revision.configVersion).toBe('env0.cmp2');
    expect((await envOf('hello-dev')).LOG_LEVEL).toBe('trace');
    expect((await envOf('hello-staging')).LOG_LEVEL).toBeUndefined();

    const history = await api()
      .get('/api/stagecraft/config/history')
      .query(scope);
    expect(
      history.body.items.map(
        (v: any) => `${v.version} ${v.values.LOG_LEVEL} ${v.actor}`,
      ),
    ).toEqual(['2 trace user:default/mock', '1 debug user:default/mock']);
    const back = await api()
      .post('/api/stagecraft/config/rollback')
      .send({ ...scope, version: 1 });
    expect(back.body.version).toMatchObject({
      version: 3,
      values: { LOG_LEVEL: 'debug' },
    });
    // a config change reaches the pods only through a deploy, never silently
    expect((await envOf('hello-dev')).LOG_LEVEL).toBe('trace');
    await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev' })
      .expect(201);
    expect((await envOf('hello-dev')).LOG_LEVEL).toBe('debug');
    await eventually('the config rollout to complete', async () => {
      const d = await statusIn('hello-dev');
      return d?.status.phase === 'complete' &&
        d.revision.configVersion === 'env0.cmp3'
        ? d
        : undefined;
    });
  });

  it('reports a hand edit of the Deployment as drift', async () => {
    const clean = await api().get(
      `/api/stagecraft/components/${COMPONENT}/drift?environment=hello-dev`,
    );
    expect(clean.body.items).toEqual([]);
    const current = (await statusIn('hello-dev')).revision.releaseId;
    const live = await apps.readNamespacedDeployment({
      name: 'hello',
      namespace: 'hello-dev',
    });
    live.spec!.template.spec!.containers[0].image =
      'registry.example.com/acme/hello:hotfix';
    await apps.replaceNamespacedDeployment({
      name: 'hello',
      namespace: 'hello-dev',
      body: live,
    });
    const drift = await api().get(
      `/api/stagecraft/components/${COMPONENT}/drift?environment=hello-dev`,
    );
    expect(drift.body.items).toEqual([
      {
        object: 'Deployment/hello',
        path: 'spec.template.spec.containers[main].image',
        expected: expect.stringMatching(/^registry\./),
        actual: 'registry.example.com/acme/hello:hotfix',
      },
    ]);
    // the next deploy does not silently take the field back: SSA reports the conflict
    const again = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/conflict/i);
    expect((await statusIn('hello-dev')).revision.releaseId).toBe(current);
  });

  it('a Score workload with only an image deploys into a restricted namespace and its pods run', async () => {
    await api()
      .post('/api/stagecraft/environments')
      .send({
        name: 'hello-pss',
        type: 'development',
        owner: 'group:default/team-a',
      })
      .expect(201);
    const ns = await kubeconfig('admin')
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: 'hello-pss' });
    expect(ns.metadata!.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    const res = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({
        environment: 'hello-pss',
        workload: {
          apiVersion: 'score.dev/v1b1',
          metadata: { name: 'hello' },
          containers: {
            main: { image: 'registry.example.com/acme/hello:2.0.0' },
          },
        },
      });
    expect(res.status).toBe(201);
    // compliant by default: the API server had nothing to warn about
    expect(res.body.revision.warnings).toBeUndefined();
    const d = await completeWith('hello-pss', res.body.release.id);
    expect(d.status.pods).toMatchObject({ total: 1, running: 1, ready: 1 });
  });

  it('refuses a deploy to an environment that does not exist (404) and bad input (400)', async () => {
    const missing = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'nowhere' });
    expect(missing.status).toBe(404);
    // a component the catalog does not have says so in the body, which the
    // scaffolder's deploy step waits on after a catalog:register
    const unknown = await api()
      .post(
        `/api/stagecraft/components/${encodeURIComponent(
          'component:default/not-registered-yet',
        )}/deploy`,
      )
      .send({ environment: 'hello-dev' });
    expect([unknown.status, unknown.body.error.missing]).toEqual([
      404,
      'component',
    ]);
    expect(missing.body.error.missing).toBeUndefined();
    const bad = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: 'hello-dev', replicas: 'many' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('replicas must be a whole number');
  });
});
