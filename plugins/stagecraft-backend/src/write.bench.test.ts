// `yarn bench:write` (scripts/bench-write.sh): the write path, measured —
// deploy request → 201 and → rollout complete, environment create → Ready,
// 100 preview environments at once, 1,000 deploys from 50 clients — on SQLite
// and on PostgreSQL, against a control plane of its own (kube-controller-
// manager and kwok running, so rollouts really complete), with the API-server
// requests each operation cost (the audit log, Stagecraft's identity, watches
// left out) and `kubectl apply --server-side` of the same objects as the
// floor. Figures, never assertions on speed: it fails only on errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  deleteNamespace,
  startIntegrationBackend,
  untilInCatalog,
} from './__testUtils__/integration';
import {
  baseUrl,
  call,
  clusterState,
  pool,
  postgresBackendConfig,
  roomyDevelopmentType,
  writeCatalog,
} from './__testUtils__/reliability';
import {
  apiRequests,
  benchArtifact,
  kubectl,
  pollUntil,
  summary,
  writeReport,
} from './__testUtils__/bench';
import { startProfile } from './__testUtils__/profile';

jest.setTimeout(3_600_000);

const describeBench =
  process.env.STAGECRAFT_BENCH === '1' ? describe : describe.skip;
const num = (name: string, fallback: number) =>
  Number(process.env[name] ?? fallback);

const CLIENTS = num('BENCH_WRITE_CLIENTS', 10);
const DEPLOYS_PER_CLIENT = num('BENCH_WRITE_DEPLOYS_PER_CLIENT', 5);
const CREATES = num('BENCH_WRITE_CREATES', 10);
const PREVIEWS = num('BENCH_WRITE_PREVIEWS', 100);
const LOAD_DEPLOYS = num('BENCH_WRITE_LOAD_DEPLOYS', 1000);
const LOAD_CLIENTS = num('BENCH_WRITE_LOAD_CLIENTS', 50);
const COMPONENT = 'bench-svc';
const REF = encodeURIComponent(`component:default/${COMPONENT}`);

const databases = (process.env.BENCH_WRITE_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .filter(Boolean);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, model: os.cpus()[0]?.model },
  settings: {
    CLIENTS,
    DEPLOYS_PER_CLIENT,
    CREATES,
    PREVIEWS,
    LOAD_DEPLOYS,
    LOAD_CLIENTS,
  },
};

afterAll(() => {
  if (process.env.STAGECRAFT_BENCH === '1') writeReport('write', report);
});

describeBench.each(databases)('write path on %s', database => {
  const tag = database === 'postgres' ? 'p' : 's';
  const envName = (what: string, i: number) =>
    `bw${tag}-${what}${String(i).padStart(3, '0')}`;
  const deployEnvs = Array.from({ length: CLIENTS }, (_, i) => envName('d', i));
  const loadEnvs = Array.from({ length: LOAD_CLIENTS }, (_, i) =>
    envName('l', i),
  );
  const created = Array.from({ length: CREATES }, (_, i) => envName('c', i));
  const previews = Array.from({ length: PREVIEWS }, (_, i) => envName('p', i));
  const all = [...deployEnvs, ...loadEnvs, ...created, ...previews];
  const results: Record<string, unknown> = {};
  let url = '';
  let dir = '';

  const createEnv = (name: string, type = 'development') =>
    call(`${url}/api/stagecraft/environments`, 'POST', {
      name,
      type,
      owner: 'group:default/team-a',
    });
  const phaseOf = async (name: string) =>
    (await call(`${url}/api/stagecraft/environments/${name}`, 'GET')).body
      ?.phase;
  const statusIn = async (env: string) =>
    (
      await call(`${url}/api/stagecraft/components/${REF}/deployments`, 'GET')
    ).body?.items?.find((d: any) => d.environment === env)?.status;

  beforeAll(async () => {
    if (database === 'postgres' && !postgresBackendConfig('x')) {
      throw new Error('BENCH_WRITE_DATABASES has postgres but no PostgreSQL');
    }
    await pool(all, 10, name => deleteNamespace(name));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-bench-write-'));
    const backend =
      database === 'postgres'
        ? postgresBackendConfig(`bench_write_${Date.now()}_`)
        : undefined;
    const server = await startIntegrationBackend({
      ...(backend && { backend }),
      catalog: {
        locations: [{ type: 'file', target: writeCatalog(dir, [COMPONENT]) }],
      },
      stagecraft: {
        environmentTypes: [
          roomyDevelopmentType,
          {
            name: 'preview',
            tier: 'preview',
            ttl: '2h',
            quota: { cpu: '2', memory: '2Gi', pods: 10 },
          },
        ],
      },
    });
    url = baseUrl(server);
    await untilInCatalog(server, 'component', COMPONENT);
    const made = await pool([...deployEnvs, ...loadEnvs], 10, n =>
      createEnv(n),
    );
    if (made.some(r => r.status !== 201)) {
      throw new Error(`setup: ${made.map(r => r.status).join(',')}`);
    }
    await pool([...deployEnvs, ...loadEnvs], 10, n =>
      pollUntil(`${n} Ready`, async () => (await phaseOf(n)) === 'Ready'),
    );
  });

  afterAll(async () => {
    report[database] = results;
    await pool(all, 10, name => deleteNamespace(name));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`deploy → 201 and → rollout complete, ${CLIENTS} clients`, async () => {
    const to201: number[] = [];
    const toComplete: number[] = [];
    const errors: string[] = [];
    const requests = await apiRequests(async () => {
      await pool(deployEnvs, CLIENTS, async (env, c) => {
        for (let k = 0; k < DEPLOYS_PER_CLIENT; k++) {
          const t0 = performance.now();
          const res = await call(
            `${url}/api/stagecraft/components/${REF}/deploy`,
            'POST',
            { environment: env, image: `1.${c}.${k}`, replicas: 1 },
          );
          to201.push(performance.now() - t0);
          if (res.status !== 201) {
            errors.push(`${res.status} ${JSON.stringify(res.body)}`);
            continue;
          }
          const release = res.body.release.id;
          await pollUntil(`${env} runs ${release}`, async () => {
            const s = await statusIn(env);
            return s?.release === release && s.phase === 'complete';
          });
          toComplete.push(performance.now() - t0);
        }
      });
    });
    results.deploy = {
      to201: summary(to201),
      toComplete: summary(toComplete),
      apiRequestsPerDeploy: requests.total / Math.max(1, to201.length),
      apiByVerb: requests.byVerb,
      errors: errors.length,
    };
    expect(errors).toEqual([]);
  });

  it('the floor: kubectl apply --server-side of the same objects', async () => {
    const env = deployEnvs[0];
    const ns = `bw${tag}-floor`;
    await deleteNamespace(ns);
    kubectl(['create', 'namespace', ns]);
    const live = JSON.parse(
      kubectl([
        'get',
        'deployment,service,configmap',
        '-l',
        `app.kubernetes.io/name=${COMPONENT}`,
        '-n',
        env,
        '-o',
        'json',
      ]),
    ).items.map((o: any) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: {
        name: o.metadata.name,
        namespace: ns,
        labels: o.metadata.labels,
        // what the controllers wrote (deployment.kubernetes.io/revision) is theirs
        annotations: Object.fromEntries(
          Object.entries(o.metadata.annotations ?? {}).filter(
            ([k]) => !k.startsWith('deployment.kubernetes.io/'),
          ),
        ),
      },
      ...(o.data && { data: o.data }),
      ...(o.spec && {
        spec:
          o.kind === 'Service'
            ? { ...o.spec, clusterIP: undefined, clusterIPs: undefined }
            : o.spec,
      }),
    }));
    const toApplied: number[] = [];
    const toComplete: number[] = [];
    for (let k = 0; k < DEPLOYS_PER_CLIENT; k++) {
      for (const o of live) {
        if (o.kind === 'Deployment') {
          o.spec.template.spec.containers[0].image = `registry.example.com/acme/svc:floor-${k}`;
        }
      }
      const t0 = performance.now();
      kubectl(
        ['apply', '--server-side', '--field-manager=bench', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: live }),
      );
      toApplied.push(performance.now() - t0);
      kubectl(['rollout', 'status', `deployment/${COMPONENT}`, '-n', ns]);
      toComplete.push(performance.now() - t0);
    }
    expect(toComplete).toHaveLength(DEPLOYS_PER_CLIENT);
    results.kubectlFloor = {
      toApplied: summary(toApplied),
      toComplete: summary(toComplete),
    };
    await deleteNamespace(ns);
  });

  it(`environment create → Ready, ${CREATES} one after another`, async () => {
    const to201: number[] = [];
    const toReady: number[] = [];
    const errors: string[] = [];
    const requests = await apiRequests(async () => {
      for (const name of created) {
        const t0 = performance.now();
        const res = await createEnv(name);
        to201.push(performance.now() - t0);
        if (res.status !== 201) {
          errors.push(`${res.status} ${JSON.stringify(res.body)}`);
          continue;
        }
        await pollUntil(
          `${name} Ready`,
          async () => (await phaseOf(name)) === 'Ready',
        );
        toReady.push(performance.now() - t0);
      }
    });
    results.environmentCreate = {
      to201: summary(to201),
      toReady: summary(toReady),
      apiRequestsPerCreate: requests.total / Math.max(1, to201.length),
      apiByVerb: requests.byVerb,
      errors: errors.length,
    };
    expect(errors).toEqual([]);
  });

  it(`${PREVIEWS} preview environments created at once`, async () => {
    const t0 = performance.now();
    const requests = await apiRequests(async () => {
      const res = await pool(previews, PREVIEWS, n => createEnv(n, 'preview'));
      const failed = res.filter(r => r.status !== 201);
      results.previews = {
        to201: summary(res.map(r => r.ms)),
        errors: failed.length,
        firstError:
          failed[0] && `${failed[0].status} ${JSON.stringify(failed[0].body)}`,
      };
      await pool(previews, 20, n =>
        pollUntil(
          `${n} Ready`,
          async () => (await phaseOf(n)) === 'Ready',
          120_000,
        ),
      );
    });
    Object.assign(results.previews as object, {
      allReadyMs: Math.round(performance.now() - t0),
      apiRequestsPerPreview: requests.total / PREVIEWS,
    });
    expect((results.previews as { errors: number }).errors).toBe(0);
  });

  it(`${LOAD_DEPLOYS} deploys from ${LOAD_CLIENTS} clients`, async () => {
    const plan = Array.from({ length: LOAD_DEPLOYS }, (_, i) => ({
      env: loadEnvs[(i * 7) % loadEnvs.length],
      image: `2.0.${i % 5}`,
    }));
    const t0 = performance.now();
    let statuses: number[] = [];
    let latencies: number[] = [];
    // BENCH_WRITE_PROFILE=1: where the backend's CPU goes under this load
    // (the backend runs in this process; the profiler slows it down)
    const stop =
      process.env.BENCH_WRITE_PROFILE === '1'
        ? await startProfile()
        : undefined;
    const requests = await apiRequests(async () => {
      const res = await pool(plan, LOAD_CLIENTS, p =>
        call(`${url}/api/stagecraft/components/${REF}/deploy`, 'POST', {
          environment: p.env,
          image: p.image,
          replicas: 0,
        }),
      );
      statuses = res.map(r => r.status);
      latencies = res.map(r => r.ms);
    });
    const wallMs = performance.now() - t0;
    const file = stop && benchArtifact(`write-load-${database}.cpuprofile`);
    const profile = stop && (await stop(file));
    results.load = {
      ...(profile && { profile: { ...profile, file } }),
      to201: summary(latencies),
      deploysPerSecond: Math.round((LOAD_DEPLOYS / wallMs) * 10000) / 10,
      apiRequestsPerDeploy: requests.total / LOAD_DEPLOYS,
      apiByVerb: requests.byVerb,
      errors: statuses.filter(s => s !== 201).length,
    };
    expect(statuses.filter(s => s !== 201)).toEqual([]);
  });

  it('uses its own control plane', () => {
    expect(clusterState).not.toMatch(/dev\/cluster\/state$/);
  });
});
