// Logs and Kubernetes events (issue 23) against the real control plane:
// kwok serves the pods' logs from files this test writes and appends to
// (kwok's Logs objects), the API server proxies pods/log to it, Stagecraft
// streams it to the browser.
import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { createDeployAction } from '@stagecraft/backstage-plugin-scaffolder-backend-module-stagecraft';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  clientFor,
  deleteNamespace,
  inCatalog,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';
import {
  cri,
  openEventWatches,
  openLogRequests,
  openStream,
  permissions,
} from './__testUtils__/observability';

jest.setTimeout(240_000);

const admin = kubeconfig('admin');
const custom = admin.makeApiClient(CustomObjectsApi);
const C = encodeURIComponent('component:default/talker');
const DEV = 'logs-dev';
const TINY = 'logs-tiny';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: talker
containers:
  main:
    image: registry.example.com/acme/talker:1.0.0
    resources:
      requests: { cpu: 200m, memory: 32Mi }
      limits: { cpu: 200m, memory: 32Mi }
`;
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: talker
  annotations:
    stagecraft.io/workload: ./talker.score.yaml
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

describe('logs and events on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  let pods: string[];
  const backendLogs: string[] = [];
  const auditorEvents: any[] = [];
  const api = () => request(server);
  const get = (p: string, user = 'bob') =>
    api().get(`/api/stagecraft${p}`).set('Authorization', as(user));
  const file = (name: string) => path.join(dir, `${name}.log`);

  beforeAll(async () => {
    await Promise.all([DEV, TINY].map(name => deleteNamespace(name)));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-logs-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'talker.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      features: [permissions],
      logs: backendLogs,
      auditorEvents,
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [
          { name: 'development', tier: 'development' },
          // too small for one pod of talker (200m)
          {
            name: 'tiny',
            tier: 'development',
            quota: { cpu: '100m', memory: '1Gi', pods: 5 },
          },
        ],
      },
    });
    for (const [name, type] of [
      [DEV, 'development'],
      [TINY, 'tiny'],
    ]) {
      await api()
        .post('/api/stagecraft/environments')
        .set('Authorization', as('alice'))
        .send({ name, type, owner: 'group:default/team-a' })
        .expect(201);
    }
    await inCatalog(server, 'component/default/talker');
    await api()
      .post(`/api/stagecraft/components/${C}/deploy`)
      .set('Authorization', as('bob'))
      .send({ environment: DEV })
      .expect(201);
    await api()
      .post(`/api/stagecraft/components/${C}/scale`)
      .set('Authorization', as('bob'))
      .send({ environment: DEV, replicas: 2 })
      .expect(200);
    // two running pods, known to Stagecraft's watch cache
    pods = await eventually('two pods of talker in the cache', async () => {
      const res = await get(
        `/components/${C}/logs?environment=${DEV}&tailLines=0`,
      );
      const running = (res.body.pods ?? []).filter(
        (p: any) => p.current && p.phase === 'Running',
      );
      if (running.length === 2) return running.map((p: any) => p.name);
      throw new Error(
        `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      );
    });
    // kwok serves each pod's log from a file of this test
    const t0 = Date.now() - 60_000;
    for (const [i, pod] of pods.entries()) {
      fs.writeFileSync(
        file(pod),
        [0, 1, 2]
          .map(n => cri(new Date(t0 + (2 * n + i) * 1000), `pod${i} line${n}`))
          .join(''),
      );
      fs.writeFileSync(
        file(`${pod}-previous`),
        cri(new Date(t0 - 5000), `pod${i} before the restart`),
      );
      await custom.createNamespacedCustomObject({
        group: 'kwok.x-k8s.io',
        version: 'v1alpha1',
        namespace: DEV,
        plural: 'logs',
        body: {
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'Logs',
          metadata: { name: pod, namespace: DEV },
          spec: {
            logs: [
              {
                containers: ['main'],
                logsFile: file(pod),
                previousLogsFile: file(`${pod}-previous`),
                follow: true,
              },
            ],
          },
        },
      });
    }
    await eventually('kwok to serve both logs', async () => {
      const res = await get(`/components/${C}/logs?environment=${DEV}`);
      return res.status === 200 && res.body.lines.length === 6
        ? true
        : undefined;
    });
  });

  afterAll(async () => {
    await Promise.all([DEV, TINY].map(name => deleteNamespace(name)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('merges the two pods in time order, with the pod on every line', async () => {
    const res = await get(`/components/${C}/logs?environment=${DEV}`).expect(
      200,
    );
    expect(res.body.lines.map((l: any) => l.text)).toEqual([
      'pod0 line0',
      'pod1 line0',
      'pod0 line1',
      'pod1 line1',
      'pod0 line2',
      'pod1 line2',
    ]);
    expect(res.body.lines.map((l: any) => l.pod)).toEqual([
      pods[0],
      pods[1],
      pods[0],
      pods[1],
      pods[0],
      pods[1],
    ]);
    expect(res.body.lines[0]).toMatchObject({ container: 'main' });
    expect(res.body.lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    // the download: one "<time> <pod>/<container> <text>" line each
    const text = await get(
      `/components/${C}/logs?environment=${DEV}&format=text&tailLines=2`,
    ).expect(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.headers['content-disposition']).toBe(
      'attachment; filename="talker-logs-dev.log"',
    );
    expect(text.text.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(` ${pods[0]}/main pod0 line2$`)),
      expect.stringMatching(new RegExp(` ${pods[1]}/main pod1 line2$`)),
    ]);
  });

  it("previous returns the earlier container's log", async () => {
    const res = await get(
      `/components/${C}/logs?environment=${DEV}&pod=${pods[0]}&previous=true`,
    ).expect(200);
    expect(res.body.lines.map((l: any) => l.text)).toEqual([
      'pod0 before the restart',
    ]);
  });

  it('lines appended to a pod log reach a follower within 1 s, in order', async () => {
    const stream = openStream(
      server,
      `/api/stagecraft/components/${C}/logs?environment=${DEV}&pod=${pods[0]}&follow=true&tailLines=1`,
      'bob',
    );
    try {
      // the last line written so far: the cluster stream is open and at the end
      const lines = (n: number) =>
        stream.events.filter(e => e.event === 'line').length >= n;
      await stream.until('the current last line', () => lines(1));
      expect(stream.contentType()).toMatch(/^text\/event-stream/);
      expect(stream.events.map(e => e.event)).toEqual(['pods', 'line']);
      const delays: number[] = [];
      for (let n = 2; n <= 6; n++) {
        const at = Date.now();
        fs.appendFileSync(file(pods[0]), cri(new Date(), `appended ${n - 1}`));
        await stream.until(`line ${n}`, () => lines(n));
        delays.push(
          stream.events.filter(e => e.event === 'line')[n - 1].at - at,
        );
      }
      expect(
        stream.events
          .filter(e => e.event === 'line')
          .map(e => e.data.line.text),
      ).toEqual([
        'pod0 line2',
        'appended 1',
        'appended 2',
        'appended 3',
        'appended 4',
        'appended 5',
      ]);
      expect(Math.max(...delays)).toBeLessThan(1000);
      // eslint-disable-next-line no-console
      console.log(`append → follower delays (ms): ${delays.join(', ')}`);
    } finally {
      stream.close();
    }
  });

  it('20 followers opened and closed leave 0 open log connections at the API server', async () => {
    await eventually('no log request open before', async () =>
      (await openLogRequests()) === 0 ? true : undefined,
    );
    const streams = Array.from({ length: 20 }, (_, i) =>
      openStream(
        server,
        `/api/stagecraft/components/${C}/logs?environment=${DEV}&pod=${
          pods[i % 2]
        }&follow=true&tailLines=1`,
        `follower${i}`,
      ),
    );
    await Promise.all(
      streams.map(s =>
        s.until('a line', () => s.events.some(e => e.event === 'line')),
      ),
    );
    const open = await eventually(
      '20 log requests open at the API server',
      async () => {
        const n = await openLogRequests();
        return n === 20 ? n : undefined;
      },
    );
    expect(open).toBe(20);
    streams.forEach(s => s.close());
    await eventually(
      '0 log requests open at the API server',
      async () => ((await openLogRequests()) === 0 ? true : undefined),
      10_000,
    );
  });

  it('a sixth follow of one user is refused (429) while five are open', async () => {
    const streams = Array.from({ length: 5 }, () =>
      openStream(
        server,
        `/api/stagecraft/components/${C}/logs?environment=${DEV}&pod=${pods[0]}&follow=true&tailLines=0`,
        'carol',
      ),
    );
    try {
      await Promise.all(
        streams.map(s =>
          s.until('pods', () => s.events.some(e => e.event === 'pods')),
        ),
      );
      const sixth = await get(
        `/components/${C}/logs?environment=${DEV}&follow=true`,
        'carol',
      );
      expect(sixth.status).toBe(429);
      expect(sixth.body.error.message).toContain('already follows 5 logs');
    } finally {
      streams.forEach(s => s.close());
    }
  });

  it('a user without stagecraft.logs.read gets 403 and no stream', async () => {
    const res = await get(
      `/components/${C}/logs?environment=${DEV}&follow=true`,
      'mallory',
    );
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const read = await get(
      `/components/${C}/logs?environment=${DEV}`,
      'mallory',
    );
    expect(read.status).toBe(403);
  });

  it('a bad query is a 400 naming the field; unknown environment or component 404', async () => {
    const bad = await get(
      `/components/${C}/logs?environment=${DEV}&tailLines=lots`,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('tailLines');
    const unknownEnv = await get(`/components/${C}/logs?environment=nowhere`);
    expect(unknownEnv.status).toBe(404);
    const unknownComponent = await get(
      `/components/${encodeURIComponent(
        'component:default/nobody',
      )}/logs?environment=${DEV}`,
    );
    expect(unknownComponent.status).toBe(404);
  });

  it("log content reaches neither Backstage's logs nor the audit", async () => {
    const leaked = [
      ...backendLogs,
      ...auditorEvents.map(e => JSON.stringify(e)),
    ].filter(l => /pod[01] line|appended \d|before the restart/.test(l));
    expect(leaked).toEqual([]);
    expect(backendLogs.length).toBeGreaterThan(0);
  });

  it("a rollout refused by the namespace quota shows the quota event in cluster-events and in stagecraft:deploy's task log", async () => {
    const watchesBefore = await openEventWatches();
    const env = openStream(
      server,
      `/api/stagecraft/environments/${TINY}/cluster-events?watch=true`,
      'bob',
    );
    try {
      await env.until('the first events', () =>
        env.events.some(e => e.event === 'events'),
      );
      const action = createDeployAction({ client: clientFor(server) });
      const ctx = createMockActionContext({
        input: {
          component: 'component:default/talker',
          environment: TINY,
          wait: true,
          timeoutSeconds: 120,
        },
      });
      const logged: string[] = [];
      ctx.logger.info = ((m: string) => void logged.push(m)) as any;
      await expect(action.handler(ctx)).rejects.toThrow(/failed: FailedCreate/);
      expect(logged.join('\n')).toMatch(
        /Warning events of component:default\/talker in logs-tiny:\n.*FailedCreate ReplicaSet\/talker-[a-z0-9]+: .*exceeded quota/,
      );
      const events = await get(
        `/components/${C}/cluster-events?environment=${TINY}`,
      ).expect(200);
      const quota = events.body.items.find(
        (e: any) =>
          e.reason === 'FailedCreate' && /exceeded quota/.test(e.message),
      );
      expect(quota).toMatchObject({
        type: 'Warning',
        object: { kind: 'ReplicaSet' },
        component: 'component:default/talker',
      });
      expect(quota.count).toBeGreaterThanOrEqual(1);
      // newest first
      const times = events.body.items.map((e: any) => Date.parse(e.lastTime));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // the environment's live events carry it too
      await env.until('the quota event on the environment stream', () =>
        env.events.some(
          e =>
            e.event === 'events' &&
            e.data.items.some(
              (i: any) =>
                i.reason === 'FailedCreate' && /exceeded quota/.test(i.message),
            ),
        ),
      );
      expect(await openEventWatches()).toBe(watchesBefore + 1);
    } finally {
      env.close();
    }
    // the browser went away: the events watch at the API server is closed
    await eventually(
      'the events watch closed at the API server',
      async () =>
        (await openEventWatches()) === watchesBefore ? true : undefined,
      10_000,
    );
  });
});
