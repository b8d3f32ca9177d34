// Faults injected into the real control plane (a private instance: its
// kube-apiserver is stopped and restarted here) and into the path to it (a
// loopback proxy that answers 429s, adds latency, drops watches, expires
// them with 410), plus a dead cluster. After recovery every operation either
// completed or was reported failed — none is lost — and the watch cache shows
// the cluster's state again within 5 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  deleteNamespace,
  eventually,
  startIntegrationBackend,
} from './__testUtils__/integration';
import {
  ApiServerControl,
  assertOwnCluster,
  baseUrl,
  describeReliability,
  call,
  clusterEntry,
  FaultProxy,
  pluginDatabase,
  pool,
  postgresBackendConfig,
  recordResult,
  sleep,
  startBlackhole,
  startFaultProxy,
  writeCatalog,
} from './__testUtils__/reliability';

jest.setTimeout(600_000);

const COMPONENT = 'fault-svc';
const REF = `component:default/${COMPONENT}`;
const ENVS = ['fault-a', 'fault-b'];
const CREATED = Array.from({ length: 6 }, (_, i) => `fault-c${i}`);
const CONVERGE_LIMIT_MS = 5000;
const prefix = `rel_faults_${Date.now()}_`;

describeReliability('faults on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let url: string;
  let proxy: FaultProxy;
  let hole: Awaited<ReturnType<typeof startBlackhole>>;
  let db: Knex;
  let dir: string;
  const api = new ApiServerControl();
  let image = 0;

  const deploy = (environment: string, tag = `f${image++}`) =>
    call(
      `${url}/api/stagecraft/components/${encodeURIComponent(REF)}/deploy`,
      'POST',
      { environment, image: tag, replicas: 0 },
    );

  /** Time until the cache shows `releaseId` running in `environment`. */
  async function convergence(environment: string, releaseId: string) {
    const started = Date.now();
    await eventually(
      `the cache to show ${releaseId} in ${environment}`,
      async () => {
        const res = await call(
          `${url}/api/stagecraft/components/${encodeURIComponent(
            REF,
          )}/deployments`,
          'GET',
        );
        const d = (res.body?.items ?? []).find(
          (x: any) => x.environment === environment,
        );
        return d?.status?.release === releaseId ? true : undefined;
      },
      60_000,
    );
    return Date.now() - started;
  }

  /** Deploys a new release and measures how soon the cache shows it. */
  async function deployAndConverge(environment: string) {
    const res = await deploy(environment);
    expect(res.status).toBe(201);
    return convergence(environment, res.body.release.id);
  }

  beforeAll(async () => {
    assertOwnCluster();
    await pool([...ENVS, ...CREATED, 'fault-live'], 5, name =>
      deleteNamespace(name),
    );
    proxy = await startFaultProxy();
    hole = await startBlackhole();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-faults-'));
    const backend = postgresBackendConfig(prefix);
    server = await startIntegrationBackend({
      ...(backend && { backend }),
      catalog: {
        locations: [{ type: 'file', target: writeCatalog(dir, [COMPONENT]) }],
      },
      stagecraft: {
        // every call to the cluster goes through the fault proxy
        clusters: [
          { ...clusterEntry('local', proxy.url), timeoutSeconds: 45 },
          { ...clusterEntry('dead', hole.url), timeoutSeconds: 2 },
        ],
        healthTimeoutMs: 1500,
        environmentTypes: [{ name: 'development', tier: 'development' }],
      },
    });
    url = baseUrl(server);
    db = pluginDatabase(prefix);
    await eventually(
      'the component in the catalog',
      async () =>
        (
          await call(
            `${url}/api/catalog/entities/by-name/component/default/${COMPONENT}`,
            'GET',
          )
        ).status === 200
          ? true
          : undefined,
      120_000,
    );
    for (const name of ENVS) {
      const res = await call(`${url}/api/stagecraft/environments`, 'POST', {
        name,
        type: 'development',
        owner: 'group:default/team-a',
        cluster: 'local',
      });
      if (res.status !== 201) {
        throw new Error(
          `creating ${name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    }
    for (const env of ENVS) await deployAndConverge(env);
  });

  afterAll(async () => {
    await db?.destroy();
    await proxy?.close();
    await hole?.close();
    await pool([...ENVS, ...CREATED, 'fault-live'], 5, name =>
      deleteNamespace(name),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Audit rows of deploys to one environment: outcome → count, and succeeded revisions. */
  async function deployAudit(env: string) {
    const rows = await db('stagecraft_audit_events')
      .where({ action: 'deployment.deploy', target: `${REF}@${env}` })
      .select('outcome', 'details');
    return {
      failed: rows.filter(r => r.outcome === 'failed').length,
      succeeded: rows
        .filter(r => r.outcome === 'succeeded')
        .map(r => JSON.parse(r.details).revision as number),
    };
  }

  it('loses no deploy when the API server stops and restarts in the middle of deploys', async () => {
    const before = await Promise.all(ENVS.map(deployAudit));
    const results: Array<{ env: string; status: number; revision?: number }> =
      [];
    let stop = false;
    // two clients deploy continuously: before, during and after the outage
    const clients = ENVS.map(async env => {
      while (!stop) {
        const res = await deploy(env);
        results.push({
          env,
          status: res.status,
          revision: res.body?.revision?.revision,
        });
      }
    });
    // before: both clients have deployed (and each has its next deploy under way)
    const answeredFor = (env: string, from = 0) =>
      results.slice(from).filter(r => r.env === env).length;
    await eventually('a deploy by each client before the outage', async () =>
      ENVS.every(env => answeredFor(env) >= 1) ? true : undefined,
    );
    const outageStarted = Date.now();
    await api.stop();
    // not synchronisation: the fault itself — the API server stays down for
    // 3 s while both clients keep deploying
    await sleep(3000);
    api.start();
    const readyMs = await api.waitReady();
    const outageMs = Date.now() - outageStarted;
    // after: each client has had two answers since the API server was ready,
    // so at least one deploy was made wholly after the outage
    const readyAt = results.length;
    await eventually(
      'two deploys by each client after the outage',
      async () =>
        ENVS.every(env => answeredFor(env, readyAt) >= 2) ? true : undefined,
      120_000,
    );
    stop = true;
    await Promise.all(clients);

    // after recovery: a new release shows in the cache within the limit
    const convergeMs = await deployAndConverge(ENVS[0]);

    let lost = results.filter(r => r.status === 0).length;
    let gaps = 0;
    for (const [k, env] of ENVS.entries()) {
      const after = (await deployAudit(env))!;
      const mine = results.filter(r => r.env === env);
      const ok = mine.filter(r => r.status === 201);
      const newSucceeded = after.succeeded.filter(
        n => !before[k]!.succeeded.includes(n),
      );
      // every 201 has its own succeeded audit row (by revision) …
      for (const r of ok) {
        if (newSucceeded.filter(n => n === r.revision).length !== 1) lost++;
      }
      // … and no revision was written that its caller was told failed
      const revisions = (
        await db('stagecraft_deployment_revisions')
          .where({ component: REF, environment: env })
          .orderBy('revision')
          .select('revision')
      ).map(r => Number(r.revision));
      gaps += revisions.filter((n, i) => n !== i + 1).length;
      // + 1: the convergence deploy above (fault-a only)
      const expected =
        before[k]!.succeeded.length + ok.length + (k === 0 ? 1 : 0);
      lost += Math.abs(revisions.length - expected);
    }
    const completed = results.filter(r => r.status === 201).length;
    const failed = results.filter(r => r.status >= 400).length;
    recordResult({
      scenario: 'kube-apiserver stopped and restarted during deploys',
      faults: 1,
      attempted: results.length,
      completed,
      failed,
      lost,
      convergeMs,
      notes: `outage ${(outageMs / 1000).toFixed(1)} s (ready ${(
        readyMs / 1000
      ).toFixed(1)} s after restart); failures answered ${
        [
          ...new Set(results.filter(r => r.status >= 400).map(r => r.status)),
        ].join('/') || 'none'
      }`,
    });
    expect(results.length).toBeGreaterThan(2);
    // an API server that is down or not ready is an outage, never a denial
    expect(results.filter(r => r.status === 403)).toEqual([]);
    expect(gaps).toBe(0);
    expect(lost).toBe(0);
    expect(convergeMs).toBeLessThan(CONVERGE_LIMIT_MS);
  });

  it('loses no environment creation when the API server crashes in the middle of it', async () => {
    // every call takes 200 ms longer, so the crash lands mid-creation
    proxy.setLatency(200);
    const pending = CREATED.map(name =>
      call(`${url}/api/stagecraft/environments`, 'POST', {
        name,
        type: 'development',
        owner: 'group:default/team-a',
        cluster: 'local',
      }),
    );
    // the crash lands mid-creation: an environment is recorded Provisioning
    // (its objects are being applied)
    await eventually('an environment creation under way', async () => {
      const provisioning = await db('stagecraft_environments')
        .whereIn('name', CREATED)
        .andWhere({ phase: 'Provisioning' })
        .first('name');
      return provisioning ? true : undefined;
    });
    await api.stop('SIGKILL');
    // not synchronisation: the fault itself — the API server stays dead for
    // 2 s before it is restarted
    await sleep(2000);
    api.start();
    await api.waitReady();
    const results = await Promise.all(pending);
    proxy.setLatency(0);

    let lost = 0;
    for (const [i, name] of CREATED.entries()) {
      const r = results[i];
      if (r.status === 0) {
        lost++;
        continue;
      }
      const record = await call(
        `${url}/api/stagecraft/environments/${name}`,
        'GET',
      );
      if (r.status === 201) {
        // completed: recorded Ready and audited as succeeded
        if (record.body?.phase !== 'Ready') lost++;
      } else if (record.status === 200 && record.body?.phase === 'Ready') {
        // told "failed" although it was fully made and recorded Ready
        lost++;
      }
      const audit = await db('stagecraft_audit_events')
        .where({ action: 'environment.create', target: name })
        .select('outcome');
      const outcome = r.status === 201 ? 'succeeded' : 'failed';
      // a failure before anything was written is answered but not audited
      const expected = r.status === 201 || record.status === 200 ? 1 : 0;
      if (audit.filter(a => a.outcome === outcome).length !== expected) {
        lost++;
      }
    }
    // recovery: asking again completes every one of them (idempotent create)
    const again = await pool(CREATED, 6, name =>
      call(`${url}/api/stagecraft/environments`, 'POST', {
        name,
        type: 'development',
        owner: 'group:default/team-a',
        cluster: 'local',
      }),
    );
    const recovered = again.filter(r => r.status === 201 || r.status === 200);
    recordResult({
      scenario:
        'kube-apiserver killed and restarted during environment creation',
      faults: 1,
      attempted: CREATED.length,
      completed: results.filter(r => r.status === 201).length,
      failed: results.filter(r => r.status >= 400).length,
      lost,
      notes: `failures answered ${
        [
          ...new Set(results.filter(r => r.status >= 400).map(r => r.status)),
        ].join('/') || 'none'
      }; asking again afterwards: ${recovered.length}/${CREATED.length} Ready`,
    });
    expect(lost).toBe(0);
    expect(results.filter(r => r.status === 403)).toEqual([]);
    // recovery: asking again completes every one (201) or confirms it (200)
    expect(recovered).toHaveLength(CREATED.length);
  });

  it('rides out 429s (Retry-After) and latency from the path to the API server', async () => {
    proxy.reject429(12, 1);
    proxy.setLatency(150);
    const before = { ...proxy.injected };
    const results = await pool(
      Array.from({ length: 16 }, (_, i) => i),
      4,
      i => deploy(ENVS[i % 2]),
    );
    proxy.setLatency(0);
    const injected429 = proxy.injected.status429 - before.status429;
    const delayed = proxy.injected.delayed - before.delayed;
    const completed = results.filter(r => r.status === 201).length;
    recordResult({
      scenario: '429 with Retry-After and 150 ms latency on every request',
      faults: injected429 + delayed,
      attempted: results.length,
      completed,
      failed: results.filter(r => r.status >= 400).length,
      lost: results.filter(r => r.status === 0).length,
      notes: `${injected429} × 429, ${delayed} delayed requests`,
    });
    expect(injected429).toBe(12);
    expect(completed).toBe(results.length);
  });

  it('resumes killed watches and relists on 410; the cache converges within 5 s', async () => {
    const times: number[] = [];
    let killed = 0;
    const watchesOpen = () =>
      eventually('watches open again', async () =>
        proxy.openWatches() > 0 ? true : undefined,
      );
    for (let round = 0; round < 3; round++) {
      await watchesOpen();
      killed += proxy.killWatches();
      times.push(await deployAndConverge(ENVS[round % 2]));
    }
    // resumed watches are told their resourceVersion is too old: relist
    const gone = proxy.injected.gone410;
    proxy.expireWatches(20);
    await watchesOpen();
    killed += proxy.killWatches();
    times.push(await deployAndConverge(ENVS[0]));
    proxy.expireWatches(0);
    const expired = proxy.injected.gone410 - gone;
    recordResult({
      scenario: 'watch connections killed (3 rounds), then 410 Gone on resume',
      faults: killed + expired,
      attempted: times.length,
      completed: times.length,
      failed: 0,
      lost: 0,
      convergeMs: Math.max(...times),
      notes: `${killed} watches killed, ${expired} resumes answered 410; converge ${times
        .map(t => `${(t / 1000).toFixed(2)} s`)
        .join(', ')}`,
    });
    expect(killed).toBeGreaterThan(0);
    expect(expired).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThan(CONVERGE_LIMIT_MS);
  });

  it('answers for the live cluster while a dead one fails within its own timeout', async () => {
    const started = Date.now();
    const [dead, live, health] = await Promise.all([
      call(`${url}/api/stagecraft/environments`, 'POST', {
        name: 'fault-dead',
        type: 'development',
        owner: 'group:default/team-a',
        cluster: 'dead',
      }),
      call(`${url}/api/stagecraft/environments`, 'POST', {
        name: 'fault-live',
        type: 'development',
        owner: 'group:default/team-a',
        cluster: 'local',
      }),
      call(`${url}/api/stagecraft/health`, 'GET'),
    ]);
    const elapsed = Date.now() - started;
    recordResult({
      scenario: 'one dead cluster (accepts, never answers) next to a live one',
      faults: 1,
      attempted: 3,
      completed: [live, health].filter(r => r.status < 300).length,
      failed: dead.status >= 400 ? 1 : 0,
      lost: [dead, live, health].filter(r => r.status === 0).length,
      notes: `dead cluster answered ${dead.status} in ${dead.ms} ms, live ${live.status} in ${live.ms} ms`,
    });
    expect(dead.status).toBe(503);
    expect(JSON.stringify(dead.body)).toContain('dead');
    expect(dead.ms).toBeLessThan(6000);
    expect(live.status).toBe(201);
    expect(health.body.clusters).toEqual([
      expect.objectContaining({ name: 'local', reachable: true }),
      expect.objectContaining({ name: 'dead', reachable: false }),
    ]);
    expect(elapsed).toBeLessThan(30_000);
  });
});
