#!/usr/bin/env node
/*
 * yarn bench:status — "status of component X in every environment":
 * Stagecraft (watch cache) against @backstage/plugin-kubernetes-backend
 * (LIST fan-out per request), side by side in one Backstage backend, on one
 * real control plane loaded through kwok. See bench/README.md.
 *
 * Everything it starts (its own control plane on other ports, the backend)
 * is stopped by PID when it ends, also on Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { liveStreams, openStream, setPodReady } from './streams.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const env = process.env;
const num = (name, dflt) => Number(env[name] ?? dflt);

// ---------------------------------------------------------------- settings
const DEPLOYMENTS = num('BENCH_DEPLOYMENTS', 10000);
const PODS_PER_DEPLOYMENT = num('BENCH_PODS_PER_DEPLOYMENT', 5);
const GROUP_SIZE = num('BENCH_GROUP_SIZE', 100); // components per group (3 namespaces each)
const CLUSTERS = num('BENCH_CLUSTERS', 3);
const DURATION = num('BENCH_DURATION', 10); // seconds per (system, viewers)
const VIEWERS = (env.BENCH_VIEWERS ?? '1,10,50').split(',').map(Number);
const VIEWED = num('BENCH_VIEWED', 100); // distinct components the viewers open
const FRESHNESS_SAMPLES = num('BENCH_FRESHNESS_SAMPLES', 7);
// the live-stream phase (bench/streams.mjs): open tabs, changes a second, seconds
const STREAMS = num('BENCH_STREAMS', 1000);
// LIST page sizes the one-cluster cold sync is measured with besides the default
const PAGE_SIZES = (env.BENCH_COLDSYNC_PAGE_SIZES ?? '100')
  .split(',')
  .filter(Boolean)
  .map(Number);
const STREAM_RATE = num('BENCH_STREAM_RATE', 50);
const STREAM_DURATION = num('BENCH_STREAM_DURATION', 10);
const LOAD_CONCURRENCY = num('BENCH_LOAD_CONCURRENCY', 48);
const PORT = num('BENCH_BACKEND_PORT', 17007);
const TOKEN = 'bench-viewer-token-0123456789';
const ENVS = [
  ['dev', 'development'],
  ['stg', 'staging'],
  ['prod', 'production'],
];
const COMPONENTS = Math.ceil(DEPLOYMENTS / ENVS.length);
const GROUPS = Math.ceil(COMPONENTS / GROUP_SIZE);

const art = path.join(root, '.artifacts/bench');
const clusterEnv = {
  ...env,
  STAGECRAFT_APISERVER_PORT: env.BENCH_APISERVER_PORT ?? '26443',
  STAGECRAFT_ETCD_PORT: env.BENCH_ETCD_PORT ?? '22379',
  STAGECRAFT_ETCD_PEER_PORT: env.BENCH_ETCD_PEER_PORT ?? '22380',
  STAGECRAFT_KCM_PORT: env.BENCH_KCM_PORT ?? '30257',
  STAGECRAFT_SCHEDULER_PORT: env.BENCH_SCHEDULER_PORT ?? '30259',
  STAGECRAFT_KWOK_PORT: env.BENCH_KWOK_PORT ?? '30247',
  STAGECRAFT_FAKE_NODES: env.BENCH_FAKE_NODES ?? '3',
  STAGECRAFT_CLUSTER_STATE: path.join(art, 'cluster/state'),
  STAGECRAFT_CLUSTER_LOGS: path.join(art, 'cluster/logs'),
};
const state = clusterEnv.STAGECRAFT_CLUSTER_STATE;
const auditLog = path.join(clusterEnv.STAGECRAFT_CLUSTER_LOGS, 'audit.log');
const server = `https://127.0.0.1:${clusterEnv.STAGECRAFT_APISERVER_PORT}`;
const cluster = args =>
  spawnSync('bash', [path.join(root, 'dev/cluster/cluster.sh'), ...args], {
    env: clusterEnv,
    stdio: ['ignore', 2, 2],
  });

const log = (...a) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const pad = (i, n = 4) => String(i).padStart(n, '0');
const component = i => `svc-${pad(i)}`;
const groupOf = i => Math.floor(i / GROUP_SIZE);
const namespaceOf = (g, e) => `bench-g${pad(g, 3)}-${e}`;
const clusterName = k => `bench-${k + 1}`;
// environment e of every group lives on cluster e % CLUSTERS (dev, staging, prod on their own "clusters")
const clusterOfEnv = e => clusterName(e % CLUSTERS);

// ---------------------------------------------------------------- cleanup
let backend;
let clusterUp = false;
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (backend?.pid && backend.exitCode === null) {
    log(`stopping the backend (pid ${backend.pid})`);
    try {
      process.kill(backend.pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  if (clusterUp && !env.BENCH_KEEP_CLUSTER) {
    log('stopping the bench control plane');
    cluster(['down']);
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- API client (admin, HTTP/2)
function kubeconfigUser(file) {
  const text = fs.readFileSync(file, 'utf8');
  const get = key => text.match(new RegExp(`${key}: (\\S+)`))?.[1];
  return {
    ca: get('certificate-authority-data'),
    cert: get('client-certificate-data'),
    key: get('client-key-data'),
    token: get('token'),
  };
}

let session;
let adminToken;
function api() {
  if (session && !session.closed && !session.destroyed) return session;
  const admin = kubeconfigUser(path.join(state, 'admin.kubeconfig'));
  const b64 = s => Buffer.from(s, 'base64');
  session = http2.connect(server, {
    ca: b64(admin.ca),
    ...(admin.cert && { cert: b64(admin.cert), key: b64(admin.key) }),
  });
  adminToken = admin.token;
  session.on('error', () => undefined);
  return session;
}

function request(method, p, body, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const req = api().request({
      ':method': method,
      ':path': p,
      accept: 'application/json',
      ...(adminToken && { authorization: `Bearer ${adminToken}` }),
      ...(body && { 'content-type': contentType }),
    });
    const chunks = [];
    let status = 0;
    req.on('response', h => {
      status = h[':status'];
    });
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      if (status >= 300) {
        reject(
          Object.assign(
            new Error(`${method} ${p}: ${status} ${json?.message ?? text}`),
            {
              status,
            },
          ),
        );
      } else resolve(json);
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.close());
    if (body) req.end(JSON.stringify(body));
    else req.end();
  });
}

async function retrying(fn, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (e.status === 409) return undefined; // already there (a re-run)
      if (attempt >= 8) throw new Error(`${what}: ${e.message}`);
      await sleep(100 * attempt);
    }
  }
}

async function pool(items, concurrency, fn) {
  let next = 0;
  let done = 0;
  const started = Date.now();
  let lastReport = started;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
        done++;
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          log(
            `  ${done}/${items.length} (${Math.round(
              done / ((lastReport - started) / 1000),
            )}/s)`,
          );
        }
      }
    }),
  );
}

// ---------------------------------------------------------------- the fleet
const LABEL_ID = 'backstage.io/kubernetes-id';
const managed = { 'app.kubernetes.io/managed-by': 'stagecraft' };

function hashOf(s) {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36).padStart(7, 'b').slice(0, 10);
}

async function loadFleet() {
  const started = Date.now();
  const namespaces = [];
  for (let g = 0; g < GROUPS; g++) {
    ENVS.forEach(([short, tier], e) =>
      namespaces.push({
        name: namespaceOf(g, short),
        env: namespaceOf(g, short),
        tier,
        e,
      }),
    );
  }
  log(`loading ${namespaces.length} namespaces`);
  await pool(namespaces, 16, async ns => {
    await retrying(
      () =>
        request('POST', '/api/v1/namespaces', {
          metadata: {
            name: ns.name,
            labels: {
              ...managed,
              'stagecraft.io/environment': ns.env,
              'stagecraft.io/tier': ns.tier,
            },
            annotations: { 'stagecraft.io/owner': 'group:default/bench' },
          },
        }),
      `namespace ${ns.name}`,
    );
    // the controller-manager is stopped (see README): make the ServiceAccount it would
    await retrying(
      () =>
        request('POST', `/api/v1/namespaces/${ns.name}/serviceaccounts`, {
          metadata: { name: 'default' },
        }),
      `serviceaccount ${ns.name}`,
    );
  });
  const units = [];
  for (let i = 0; i < COMPONENTS; i++) {
    for (const [short] of ENVS) {
      if (units.length < DEPLOYMENTS)
        units.push({ i, ns: namespaceOf(groupOf(i), short) });
    }
  }
  log(
    `loading ${units.length} Deployments, ReplicaSets and ${
      units.length * PODS_PER_DEPLOYMENT
    } Pods`,
  );
  const nodes = Number(clusterEnv.STAGECRAFT_FAKE_NODES);
  let podCount = 0;
  await pool(units, LOAD_CONCURRENCY, async ({ i, ns }) => {
    const name = component(i);
    const hash = hashOf(`${ns}/${name}`);
    const labels = {
      ...managed,
      [LABEL_ID]: name,
      'app.kubernetes.io/name': name,
      'stagecraft.io/environment': ns,
    };
    const selector = { 'app.kubernetes.io/name': name, [LABEL_ID]: name };
    const template = {
      metadata: {
        labels,
        annotations: { 'stagecraft.io/release': 'r-000000000001' },
      },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'registry.example.com/bench/svc:1.0.0',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '10m', memory: '16Mi' } },
          },
        ],
      },
    };
    const apps = `/apis/apps/v1/namespaces/${ns}`;
    const dep = await retrying(
      () =>
        request('POST', `${apps}/deployments`, {
          metadata: {
            name,
            labels,
            annotations: { 'deployment.kubernetes.io/revision': '1' },
          },
          spec: {
            replicas: PODS_PER_DEPLOYMENT,
            selector: { matchLabels: selector },
            template,
          },
        }),
      `deployment ${ns}/${name}`,
    );
    if (!dep) return; // already loaded
    const now = new Date().toISOString();
    await retrying(
      () =>
        request(
          'PATCH',
          `${apps}/deployments/${name}/status`,
          {
            status: {
              observedGeneration: dep.metadata.generation,
              replicas: PODS_PER_DEPLOYMENT,
              updatedReplicas: PODS_PER_DEPLOYMENT,
              readyReplicas: PODS_PER_DEPLOYMENT,
              availableReplicas: PODS_PER_DEPLOYMENT,
              conditions: [
                {
                  type: 'Available',
                  status: 'True',
                  reason: 'MinimumReplicasAvailable',
                  lastUpdateTime: now,
                  lastTransitionTime: now,
                },
                {
                  type: 'Progressing',
                  status: 'True',
                  reason: 'NewReplicaSetAvailable',
                  lastUpdateTime: now,
                  lastTransitionTime: now,
                },
              ],
            },
          },
          'application/merge-patch+json',
        ),
      `deployment status ${ns}/${name}`,
    );
    const rsName = `${name}-${hash}`;
    const rsLabels = { ...labels, 'pod-template-hash': hash };
    const rs = await retrying(
      () =>
        request('POST', `${apps}/replicasets`, {
          metadata: {
            name: rsName,
            labels: rsLabels,
            annotations: {
              'deployment.kubernetes.io/revision': '1',
              'deployment.kubernetes.io/desired-replicas':
                String(PODS_PER_DEPLOYMENT),
              'deployment.kubernetes.io/max-replicas': String(
                PODS_PER_DEPLOYMENT + 1,
              ),
            },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name,
                uid: dep.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: {
            replicas: PODS_PER_DEPLOYMENT,
            selector: {
              matchLabels: { ...selector, 'pod-template-hash': hash },
            },
            template: {
              ...template,
              metadata: { ...template.metadata, labels: rsLabels },
            },
          },
        }),
      `replicaset ${ns}/${rsName}`,
    );
    await retrying(
      () =>
        request(
          'PATCH',
          `${apps}/replicasets/${rsName}/status`,
          {
            status: {
              observedGeneration: rs.metadata.generation,
              replicas: PODS_PER_DEPLOYMENT,
              fullyLabeledReplicas: PODS_PER_DEPLOYMENT,
              readyReplicas: PODS_PER_DEPLOYMENT,
              availableReplicas: PODS_PER_DEPLOYMENT,
            },
          },
          'application/merge-patch+json',
        ),
      `replicaset status ${ns}/${rsName}`,
    );
    await Promise.all(
      Array.from({ length: PODS_PER_DEPLOYMENT }, (_, k) =>
        retrying(
          () =>
            request('POST', `/api/v1/namespaces/${ns}/pods`, {
              metadata: {
                name: `${rsName}-${hashOf(`${rsName}/${k}`).slice(0, 5)}${k}`,
                labels: rsLabels,
                ownerReferences: [
                  {
                    apiVersion: 'apps/v1',
                    kind: 'ReplicaSet',
                    name: rsName,
                    uid: rs.metadata.uid,
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              },
              spec: {
                ...template.spec,
                // bound by us (kwok's fake kubelet then runs it): no scheduler round trip
                nodeName: `kwok-node-${(i + k) % nodes}`,
              },
            }),
          `pod of ${ns}/${rsName}`,
        ).then(() => podCount++),
      ),
    );
  });
  const created = Date.now();
  log(
    `created in ${Math.round(
      (created - started) / 1000,
    )} s; waiting for kwok to run ${podCount} pods`,
  );
  for (;;) {
    const pending = await request(
      'GET',
      `/api/v1/pods?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dstagecraft&fieldSelector=status.phase%21%3DRunning&limit=1`,
    );
    if (!pending.items.length) break;
    await sleep(2000);
  }
  const running = Date.now();
  log(`all pods Running after ${Math.round((running - started) / 1000)} s`);
  return {
    namespaces: namespaces.length,
    deployments: units.length,
    pods: units.length * PODS_PER_DEPLOYMENT,
    createSeconds: Math.round((created - started) / 1000),
    runningSeconds: Math.round((running - started) / 1000),
  };
}

// ---------------------------------------------------------------- measurement helpers
const CLK_TCK = 100;
function procSample(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rssKb = Number(
    fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1],
  );
  return { ticks, rssMb: rssKb / 1024, at: performance.now() };
}

/** The backend's CPU between two samples: % of a core, and ms per view. */
function cpuOf(before, after, wallSeconds, views) {
  const seconds = (after.ticks - before.ticks) / CLK_TCK;
  return {
    cpuPercent: Math.round((seconds / wallSeconds) * 1000) / 10,
    cpuMsPerView: views ? Math.round((seconds / views) * 1e5) / 100 : NaN,
  };
}

function auditMark() {
  try {
    return fs.statSync(auditLog).size;
  } catch {
    return 0;
  }
}

function readFrom(file, from) {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(Math.max(0, size - from));
  fs.readSync(fd, buf, 0, buf.length, from);
  fs.closeSync(fd);
  return buf.toString('utf8');
}

/**
 * Requests of the `stagecraft` identity (both systems use it) since `mark`,
 * watches excluded. The API server rotates the log at 100 MB: then the rest
 * of the rotated file counts too.
 */
function auditCount(mark) {
  const size = auditMark();
  let text;
  if (size >= mark) {
    text = readFrom(auditLog, mark);
  } else {
    const dir = path.dirname(auditLog);
    const rotated = fs
      .readdirSync(dir)
      .filter(f => /^audit-.*\.log$/.test(f))
      .sort()
      .at(-1);
    text =
      (rotated ? readFrom(path.join(dir, rotated), mark) : '') +
      readFrom(auditLog, 0);
  }
  const counts = { total: 0, byVerb: {} };
  for (const line of text.split('\n')) {
    if (!line) continue;
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.user?.username !== 'stagecraft' || e.verb === 'watch') continue;
    if (e.stage !== 'ResponseComplete' && e.stage !== 'Panic') continue;
    counts.total++;
    counts.byVerb[e.verb] = (counts.byVerb[e.verb] ?? 0) + 1;
  }
  return counts;
}

/**
 * Waits until the audit log has been quiet for 2 s (at most 60 s): requests a
 * phase left in flight at the API server (kubernetes-backend's LISTs outlive
 * the client's deadline) are counted in that phase, not the next.
 */
async function settle() {
  let size = auditMark();
  let quietSince = performance.now();
  const deadline = performance.now() + 60_000;
  while (
    performance.now() - quietSince < 2000 &&
    performance.now() < deadline
  ) {
    await sleep(250);
    const now = auditMark();
    if (now !== size) {
      size = now;
      quietSince = performance.now();
    }
  }
}

/** Waits for the API server and then the backend to be idle again (under 10% of a core for 1 s, at most 60 s). */
async function quiesce() {
  await settle();
  const deadline = performance.now() + 60_000;
  let last = procSample(backend.pid);
  while (performance.now() < deadline) {
    await sleep(1000);
    const now = procSample(backend.pid);
    const busy =
      (now.ticks - last.ticks) / CLK_TCK / ((now.at - last.at) / 1000);
    last = now;
    if (busy < 0.1) break;
  }
  // every phase starts from a collected heap (the backend runs with --expose-gc)
  await backendGet('/api/bench/process?gc=1');
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

function backendGet(p) {
  return new Promise((resolve, reject) => {
    http
      .get(
        `http://127.0.0.1:${PORT}${p}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
        res => {
          const chunks = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({
                status: res.statusCode,
                headers: res.headers,
                body: JSON.parse(text),
              });
            } catch {
              resolve({
                status: res.statusCode,
                headers: res.headers,
                body: text,
              });
            }
          });
        },
      )
      .on('error', reject);
  });
}

function backendPost(p, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      `http://127.0.0.1:${PORT}${p}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode, body: text });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const viewed = Array.from({ length: Math.min(VIEWED, COMPONENTS) }, (_, k) =>
  component(Math.floor((k * COMPONENTS) / Math.min(VIEWED, COMPONENTS))),
);

const SYSTEMS = {
  'kubernetes-backend': {
    // what the stock Kubernetes tab of an entity page asks (KubernetesBackendClient.getObjectsByEntity)
    method: 'POST',
    path: () => '/api/kubernetes/resources/workloads/query',
    body: name =>
      JSON.stringify({ entityRef: `component:default/${name}`, auth: {} }),
  },
  stagecraft: {
    method: 'GET',
    path: name =>
      `/api/stagecraft/components/component%3Adefault%2F${name}/deployments`,
    body: () => undefined,
  },
  // what a browser does with Stagecraft's ETag and `Cache-Control: no-cache`:
  // it sends back the ETag of the body it holds (If-None-Match) and gets a 304
  // while the state is the same (paced rows only)
  'stagecraft-revalidating': {
    method: 'GET',
    path: name =>
      `/api/stagecraft/components/component%3Adefault%2F${name}/deployments`,
    body: () => undefined,
    revalidate: true,
    pacedOnly: true,
  },
  // the floor: Backstage's liveness probe of the same process (root router,
  // no plugin, no auth, a constant body), what any request to it costs
  'backstage-liveness': {
    method: 'GET',
    path: () => '/.backstage/health/v1/liveness',
    body: () => undefined,
    pacedOnly: true,
  },
};
/** The systems of a phase: BENCH_SYSTEMS, or every one the phase drives. */
const systemsFor = paced =>
  (
    env.BENCH_SYSTEMS ??
    Object.keys(SYSTEMS)
      .filter(k => paced || !SYSTEMS[k].pacedOnly)
      .join(',')
  )
    .split(',')
    .filter(k => paced || !SYSTEMS[k].pacedOnly);

/**
 * Open loop: `viewers` viewers, each opening the page every `interval` s,
 * their requests spread evenly over time (not in lock-step), on keep-alive
 * connections (at most one per viewer). Latency is measured from when a
 * request was due, so a slow server cannot hide its queue (no coordinated
 * omission).
 */
async function drivePaced(system, viewers, duration, interval) {
  const s = SYSTEMS[system];
  const agent = new http.Agent({ keepAlive: true, maxSockets: viewers });
  const rate = viewers / interval;
  const total = Math.floor(rate * duration);
  const latencies = [];
  let errors = 0;
  let notModified = 0;
  const etags = new Map();
  let k = 0;
  const mark = auditMark();
  const before = procSample(backend.pid);
  let peakRss = before.rssMb;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procSample(backend.pid).rssMb);
  }, 200);
  const t0 = performance.now();
  const one = due =>
    new Promise(resolve => {
      const name = viewed[k++ % viewed.length];
      const body = s.body(name);
      const req = http.request(
        `http://127.0.0.1:${PORT}${s.path(name)}`,
        {
          agent,
          method: s.method,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
            ...(body && { 'content-length': Buffer.byteLength(body) }),
            ...(s.revalidate &&
              etags.has(name) && { 'if-none-match': etags.get(name) }),
          },
          timeout: 60_000,
        },
        res => {
          res.resume();
          if (s.revalidate && res.headers.etag)
            etags.set(name, res.headers.etag);
          res.on('end', () => {
            if (res.statusCode === 304 && s.revalidate) notModified++;
            else if (res.statusCode >= 300) errors++;
            latencies.push(performance.now() - due);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const inflight = [];
  for (let n = 0; n < total; n++) {
    const due = t0 + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(one(due));
  }
  await Promise.all(inflight);
  clearInterval(sampler);
  const after = procSample(backend.pid);
  agent.destroy();
  await settle();
  const audit = auditCount(mark);
  latencies.sort((a, b) => a - b);
  const views = latencies.length;
  const wall = (after.at - before.at) / 1000;
  return {
    system,
    mode: `paced ${Math.round(rate * 10) / 10}/s`,
    viewers,
    views,
    rps: Math.round((views / wall) * 10) / 10,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: 0,
    errors,
    ...(s.revalidate && { notModified }),
    timeouts: 0,
    apiRequests: audit.total,
    apiByVerb: audit.byVerb,
    apiPerView: views ? Math.round((audit.total / views) * 100) / 100 : NaN,
    ...cpuOf(before, after, wall, views),
    peakRssMb: Math.round(peakRss),
  };
}

/** The ETag each viewed component's status answers with now (for If-None-Match). */
async function currentEtags(s) {
  const etags = new Map();
  for (const name of viewed) {
    const { headers } = await backendGet(s.path(name));
    if (headers.etag) etags.set(name, headers.etag);
  }
  return etags;
}

async function drive(system, connections, duration, overallRate) {
  const s = SYSTEMS[system];
  let k = 0;
  const latencies = [];
  // a revalidating viewer holds each body already: every view sends its ETag
  const etags = s.revalidate ? await currentEtags(s) : undefined;
  let notModified = 0;
  const mark = auditMark();
  const before = procSample(backend.pid);
  let peakRss = before.rssMb;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procSample(backend.pid).rssMb);
  }, 200);
  const instance = autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections,
    duration,
    ...(overallRate && { overallRate }),
    timeout: 60,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    },
    requests: [
      {
        method: s.method,
        setupRequest: req => {
          const name = viewed[k++ % viewed.length];
          return {
            ...req,
            path: s.path(name),
            ...(s.body(name) && { body: s.body(name) }),
            ...(etags?.has(name) && {
              headers: { ...req.headers, 'if-none-match': etags.get(name) },
            }),
          };
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status === 304 && etags) notModified++;
    latencies.push(responseTime);
  });
  const result = await new Promise((resolve, reject) =>
    instance.on('done', resolve).on('error', reject),
  );
  clearInterval(sampler);
  const after = procSample(backend.pid);
  await settle();
  const audit = auditCount(mark);
  latencies.sort((a, b) => a - b);
  const views = latencies.length;
  const wall = (after.at - before.at) / 1000;
  return {
    system,
    mode: overallRate ? `paced ${overallRate}/s` : 'closed loop',
    viewers: connections,
    views,
    rps: Math.round((views / wall) * 10) / 10,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: result.non2xx - notModified,
    errors: result.errors,
    ...(etags && { notModified }),
    timeouts: result.timeouts,
    apiRequests: audit.total,
    apiByVerb: audit.byVerb,
    apiPerView: views ? Math.round((audit.total / views) * 100) / 100 : NaN,
    ...cpuOf(before, after, wall, views),
    peakRssMb: Math.round(peakRss),
  };
}

// ---------------------------------------------------------------- freshness
async function freshness() {
  const name = viewed[Math.floor(viewed.length / 2)];
  const i = Number(name.slice(4));
  const ns = namespaceOf(groupOf(i), 'dev');
  const pods = await request(
    'GET',
    `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(
      `${LABEL_ID}=${name}`,
    )}`,
  );
  const pod = pods.items[0].metadata.name;
  // the event stream (the reader of the live-stream phase)
  const stream = await openStream(PORT, TOKEN, name);
  await sleep(500);
  const rest = [];
  const sseMs = [];
  let ready = PODS_PER_DEPLOYMENT;
  for (let n = 0; n < FRESHNESS_SAMPLES; n++) {
    const makeReady = n % 2 === 1;
    const expected = makeReady ? ready + 1 : ready - 1;
    const seen = stream.arrivals.length;
    const sent = performance.now();
    await setPodReady(request, ns, pod, makeReady);
    const viaRest = (async () => {
      for (;;) {
        const r = await backendGet(
          `/api/stagecraft/components/component%3Adefault%2F${name}/deployments`,
        );
        const d = r.body.items?.find(x => x.environment === ns);
        if (d?.status.pods.ready === expected) return performance.now() - sent;
        if (performance.now() - sent > 10_000) return NaN;
        await sleep(5);
      }
    })();
    const viaSse = (async () => {
      for (;;) {
        const hit = stream.arrivals
          .slice(seen)
          .find(e => e.environment === ns && e.ready === expected);
        if (hit) return hit.at - sent;
        if (performance.now() - sent > 10_000) return NaN;
        await new Promise(r => {
          stream.onArrival = r;
          setTimeout(r, 50);
        });
      }
    })();
    rest.push(await viaRest);
    sseMs.push(await viaSse);
    ready = expected;
    await sleep(400);
  }
  stream.req.destroy();
  if (ready < PODS_PER_DEPLOYMENT) {
    // an odd number of samples ends on the unready pod: back to Ready
    await setPodReady(request, ns, pod, true);
  }
  const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return {
    component: name,
    environment: ns,
    pod,
    samples: FRESHNESS_SAMPLES,
    restMedianMs: Math.round(median(rest)),
    restMaxMs: Math.round(Math.max(...rest)),
    sseMedianMs: Math.round(median(sseMs)),
    sseMaxMs: Math.round(Math.max(...sseMs)),
  };
}

// ---------------------------------------------------------------- main
function nodeTs(script, extraEnv, args = [], stdio = 'pipe') {
  return spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(env.BENCH_CPU_PROF && script === 'backend.ts'
        ? ['--cpu-prof', `--cpu-prof-dir=${path.join(art, 'profiles')}`]
        : []),
      '--require',
      path.join(
        root,
        'node_modules/@backstage/cli-node/config/nodeTransform.cjs',
      ),
      path.join(here, script),
      ...args,
    ],
    { cwd: root, env: { ...env, ...extraEnv }, stdio },
  );
}

async function coldSync(clusters, pageSize) {
  const child = nodeTs('coldsync.ts', {
    BENCH_CLUSTERS: JSON.stringify(clusters),
    ...(pageSize && { BENCH_PAGE_SIZE: String(pageSize) }),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', c => (out += c));
  child.stderr.on('data', c => (err += c));
  const code = await new Promise(r => child.on('exit', r));
  if (code !== 0)
    throw new Error(`coldsync failed (${code}): ${err.slice(-2000)}`);
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function main() {
  const startedAt = new Date();
  fs.mkdirSync(art, { recursive: true });
  log(
    `fleet: ${DEPLOYMENTS} Deployments × ${PODS_PER_DEPLOYMENT} pods, ${COMPONENTS} components in ${GROUPS} groups × 3 environment namespaces; ${CLUSTERS} clusters`,
  );
  log(
    `machine: ${os.cpus().length} cores, ${Math.round(
      os.totalmem() / 2 ** 30,
    )} GiB, load ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );

  // 1. our own control plane (never the shared one)
  cluster(['down']);
  const up = cluster(['up']);
  if (up.status !== 0)
    throw new Error('the bench control plane did not come up');
  clusterUp = true;
  // a static fleet: stop the controller-manager of this instance so that it
  // does not reconcile 10k Deployments while we measure (see README)
  const kcmPid = Number(
    fs.readFileSync(
      path.join(state, 'pids/kube-controller-manager.pid'),
      'utf8',
    ),
  );
  process.kill(kcmPid, 'SIGTERM');
  log(`stopped this instance's kube-controller-manager (pid ${kcmPid})`);

  // 2. the fleet
  const fleet = await loadFleet();
  session?.close();

  const ca = kubeconfigUser(path.join(state, 'admin.kubeconfig')).ca;
  const token = fs
    .readFileSync(path.join(state, 'pki/tokens.csv'), 'utf8')
    .split('\n')
    .map(l => l.split(','))
    .find(f => f[1] === 'stagecraft')[0];
  const clusters = Array.from({ length: CLUSTERS }, (_, k) => ({
    name: clusterName(k),
    url: server,
    token,
    caData: ca,
  }));

  // 3. Stagecraft's cache alone: one cluster (the fleet once), then all of them
  log('cold sync of the watch cache: 1 cluster');
  const cold1 = await coldSync(clusters.slice(0, 1));
  log(`  ${JSON.stringify({ ...cold1, log: undefined })}`);
  // the same with other LIST page sizes (the default is 500 objects a page):
  // how much of the added RSS is the garbage of parsing large pages
  const byPageSize = [];
  for (const size of PAGE_SIZES) {
    log(`cold sync of the watch cache: 1 cluster, pages of ${size}`);
    const r = await coldSync(clusters.slice(0, 1), size);
    byPageSize.push({ pageSize: size, ...r, log: undefined });
    log(`  ${JSON.stringify(byPageSize.at(-1))}`);
  }
  log(`cold sync of the watch cache: ${CLUSTERS} clusters`);
  const coldN = await coldSync(clusters);
  log(`  ${JSON.stringify({ ...coldN, log: undefined })}`);

  // 4. the backend
  const entities = path.join(art, 'catalog-info.yaml');
  fs.writeFileSync(
    entities,
    viewed
      .map(
        n =>
          `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${n}\n  annotations:\n    backstage.io/kubernetes-id: ${n}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/bench\n`,
      )
      .join('---\n'),
  );
  const dbDirectory = path.join(art, 'db');
  fs.rmSync(dbDirectory, { recursive: true, force: true });
  const environments = [];
  for (let g = 0; g < GROUPS; g++) {
    ENVS.forEach(([short, tier], e) =>
      environments.push({
        name: namespaceOf(g, short),
        tier,
        cluster: clusterOfEnv(e),
        namespace: namespaceOf(g, short),
      }),
    );
  }
  const deployments = [];
  for (let i = 0; i < COMPONENTS; i++) {
    deployments.push({
      component: component(i),
      environments: ENVS.map(([short]) => namespaceOf(groupOf(i), short)).slice(
        0,
        Math.min(3, DEPLOYMENTS - i * 3),
      ),
    });
  }
  const appConfig = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl: `http://127.0.0.1:${PORT}`,
      listen: { host: '127.0.0.1', port: PORT },
      database: {
        client: 'better-sqlite3',
        connection: { directory: dbDirectory },
      },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: TOKEN, subject: 'bench-viewer' },
          },
        ],
      },
    },
    permission: { enabled: false },
    events: { useEventBus: 'never' },
    catalog: {
      rules: [{ allow: ['Component', 'Location'] }],
      locations: [{ type: 'file', target: entities }],
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token,
            caData: c.caData,
            // no metrics-server here; with it, each view would also GET pod metrics per namespace
            skipMetricsLookup: true,
          })),
        },
      ],
    },
  };
  const appConfigFile = path.join(art, 'app-config.bench.json');
  fs.writeFileSync(appConfigFile, JSON.stringify(appConfig, null, 2));
  const benchConfig = path.join(art, 'bench-config.json');
  fs.writeFileSync(
    benchConfig,
    JSON.stringify({ appConfig, dbDirectory, environments, deployments }),
  );
  const backendLog = fs.openSync(path.join(art, 'backend.log'), 'w');
  log('starting the backend (catalog + kubernetes-backend + stagecraft)');
  const backendStarted = performance.now();
  backend = nodeTs(
    'backend.ts',
    { BENCH_CONFIG: benchConfig, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    ['--config', appConfigFile],
    ['ignore', backendLog, backendLog],
  );
  backend.on('exit', code => {
    if (!cleaned)
      log(`backend exited (${code}); see .artifacts/bench/backend.log`);
  });
  // ready: Stagecraft answers with live status, the kubernetes backend finds the entity
  const last = viewed.at(-1);
  for (;;) {
    if (backend.exitCode !== null)
      throw new Error('the backend exited; see .artifacts/bench/backend.log');
    try {
      const sc = await backendGet(SYSTEMS.stagecraft.path(last));
      const kb = await backendPost(SYSTEMS['kubernetes-backend'].path(), {
        entityRef: `component:default/${last}`,
        auth: {},
      });
      if (
        sc.status === 200 &&
        sc.body.items?.length === Math.min(3, DEPLOYMENTS) &&
        sc.body.items.every(d => d.status.phase === 'complete') &&
        kb.status === 200 &&
        kb.body.items?.length
      ) {
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  const readyMs = performance.now() - backendStarted;
  log(
    `backend ready after ${Math.round(readyMs / 1000)} s (pid ${backend.pid})`,
  );
  const idle = await backendGet('/api/bench/process?gc=1');
  const idleRssMb = Math.round(idle.body.memory.rss / 1048576);

  // 5. load: short warm-up of both, then each (viewers, system), alternating
  log('warm-up');
  for (const system of systemsFor(false)) await drive(system, 5, 3);
  await quiesce();
  const runs = [];
  for (const viewers of VIEWERS) {
    for (const system of systemsFor(false)) {
      log(`${system}: ${viewers} viewer(s) for ${DURATION} s`);
      const r = await drive(system, viewers, DURATION);
      log(
        `  p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms, ${r.rps}/s, ${
          r.apiPerView
        } API req/view, cpu ${r.cpuPercent}%, rss ${r.peakRssMb} MB, errors ${
          r.errors + r.non2xx + r.timeouts
        }`,
      );
      runs.push(r);
      await quiesce();
    }
  }

  // CPU per view: one viewer in a closed loop (no queue in front of the
  // event loop), the backend's CPU time ÷ views, for a 200 with the status
  // body, a 304 revalidation and Backstage's liveness probe (the floor)
  const cpuSeconds = num('BENCH_CPU_DURATION', DURATION);
  const profiles = {};
  for (const system of (
    env.BENCH_CPU_SYSTEMS ??
    'stagecraft,stagecraft-revalidating,backstage-liveness'
  )
    .split(',')
    .filter(Boolean)) {
    log(`${system}: CPU per view, 1 viewer closed loop for ${cpuSeconds} s`);
    const r = await drive(system, 1, cpuSeconds);
    r.mode = 'cpu per view';
    log(
      `  ${r.cpuMsPerView} ms of backend CPU per view, ${r.rps}/s, p50 ${
        r.p50
      } ms, errors ${r.errors + r.non2xx + r.timeouts}${
        r.notModified !== undefined ? `, 304s ${r.notModified}` : ''
      }`,
    );
    runs.push(r);
    await quiesce();
    if (system !== 'backstage-liveness' && env.BENCH_VIEW_PROFILE !== '0') {
      // the same row again under the sampling profiler (it slows the process
      // down, so its figures are not the row's): where a view's CPU goes
      const file = path.join(art, `view-${system}-${Date.now()}.cpuprofile`);
      await backendPost('/api/bench/profile/start', {});
      await drive(system, 1, cpuSeconds);
      const prof = await backendPost(
        `/api/bench/profile/stop?file=${encodeURIComponent(file)}`,
        {},
      );
      profiles[system] = { ...prof.body, file: path.relative(root, file) };
      log(
        `  profile (${path.relative(root, file)}): ${prof.body.byArea
          ?.slice(0, 8)
          .map(a => `${a.what} ${a.percent}%`)
          .join(', ')}`,
      );
      await quiesce();
    }
  }

  // paced: each viewer opens the page once per BENCH_PACED_INTERVAL s (Backstage's tab polls every 10 s)
  // a row lasts long enough for BENCH_PACED_MIN_SAMPLES views, so its p99
  // is a percentile and not the one slowest of ten (1 viewer: 100 s)
  const interval = num('BENCH_PACED_INTERVAL', 1);
  const minSamples = num('BENCH_PACED_MIN_SAMPLES', 100);
  if (interval > 0) {
    for (const viewers of VIEWERS) {
      const seconds = Math.max(
        DURATION,
        Math.ceil((minSamples * interval) / viewers),
      );
      for (const system of systemsFor(true)) {
        log(
          `${system}: ${viewers} viewer(s), one view each per ${interval} s, for ${seconds} s`,
        );
        const r = await drivePaced(system, viewers, seconds, interval);
        log(
          `  p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms, ${r.rps}/s, ${
            r.apiPerView
          } API req/view, cpu ${r.cpuPercent}%, errors ${
            r.errors + r.non2xx + r.timeouts
          }${r.notModified !== undefined ? `, 304s ${r.notModified}` : ''}`,
        );
        runs.push(r);
        await quiesce();
      }
    }
  }

  // 6. freshness
  log('freshness: pod Ready flips → Stagecraft REST and event stream');
  const fresh = await freshness();
  log(`  ${JSON.stringify(fresh)}`);

  // 7. live streams: open Deployments tabs while changes flow
  let streams;
  if (STREAMS > 0) {
    log(
      `live streams: ${STREAMS} open tabs, ${STREAM_RATE} changes/s for ${STREAM_DURATION} s`,
    );
    await quiesce();
    streams = await liveStreams({
      request,
      backendGet,
      procSample,
      percentile,
      log,
      port: PORT,
      token: TOKEN,
      backendPid: backend.pid,
      viewed,
      envOf: name => namespaceOf(groupOf(Number(name.slice(4))), 'dev'),
      labelId: LABEL_ID,
      streams: STREAMS,
      rate: STREAM_RATE,
      duration: STREAM_DURATION,
    });
    log(`  ${JSON.stringify(streams)}`);
  }

  const report = {
    date: startedAt.toISOString(),
    command: `yarn bench:status (${
      Object.entries(env)
        .filter(([k]) => k.startsWith('BENCH_'))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'defaults'
    })`,
    machine: {
      cores: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    fleet: {
      ...fleet,
      components: COMPONENTS,
      groups: GROUPS,
      clusters: CLUSTERS,
      viewedComponents: viewed.length,
    },
    coldSync: {
      oneCluster: { ...cold1, log: undefined },
      allClusters: { ...coldN, log: undefined },
      byPageSize,
    },
    backend: { readySeconds: Math.round(readyMs / 100) / 10, idleRssMb },
    runs,
    viewProfiles: profiles,
    freshness: fresh,
    streams,
  };
  const out = path.join(
    art,
    `status-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.log(table(report));
  log(`report: ${path.relative(root, out)}`);
}

function table(r) {
  const f = (v, d = 1) =>
    Number.isFinite(v)
      ? v >= 100
        ? Math.round(v)
        : Math.round(v * 10 ** d) / 10 ** d
      : 'n/a';
  const lines = [];
  lines.push(
    `Fleet: ${r.fleet.deployments} Deployments, ${r.fleet.pods} Pods, ${r.fleet.namespaces} namespaces, ${r.fleet.clusters} clusters (one API server); loaded in ${r.fleet.runningSeconds} s`,
  );
  lines.push('');
  lines.push(
    '| load | viewers | system | p50 ms | p95 ms | p99 ms | views/s | API req/view | CPU % | CPU ms/view | peak RSS MB | errors |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.runs) {
    lines.push(
      `| ${x.mode} | ${x.viewers} | ${x.system} | ${f(x.p50)} | ${f(
        x.p95,
      )} | ${f(x.p99)} | ${f(x.rps)} | ${f(x.apiPerView, 2)} | ${f(
        x.cpuPercent,
      )} | ${f(x.cpuMsPerView, 2)} | ${x.peakRssMb} | ${
        x.errors + x.non2xx + x.timeouts
      } |`,
    );
  }
  for (const [system, p] of Object.entries(r.viewProfiles ?? {})) {
    if (!p.byArea) continue;
    lines.push('');
    lines.push(
      `Where ${system}'s CPU goes (self time, % of busy samples, ${p.file}):`,
    );
    lines.push(
      `- by area: ${p.byArea.map(a => `${a.what} ${a.percent}`).join(', ')}`,
    );
    lines.push(
      `- by function: ${p.byFunction
        .slice(0, 12)
        .map(a => `${a.what} ${a.percent}`)
        .join('; ')}`,
    );
  }
  lines.push('');
  lines.push('Stagecraft ÷ kubernetes-backend:');
  lines.push('');
  lines.push(
    '| load | viewers | p50 | p95 | p99 | views/s | API req/view | CPU % | p99 kubernetes-backend ÷ Stagecraft |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  const q = (a, b) => (b ? Math.round((a / b) * 10000) / 10000 : NaN);
  for (const x of r.runs.filter(x => x.system === 'stagecraft')) {
    const k = r.runs.find(
      y =>
        y.viewers === x.viewers &&
        y.mode === x.mode &&
        y.system === 'kubernetes-backend',
    );
    if (!k) continue;
    lines.push(
      `| ${x.mode} | ${x.viewers} | ${q(x.p50, k.p50)} | ${q(
        x.p95,
        k.p95,
      )} | ${q(x.p99, k.p99)} | ${f(q(x.rps, k.rps))} | ${q(
        x.apiPerView,
        k.apiPerView,
      )} | ${q(x.cpuPercent, k.cpuPercent)} | ${f(k.p99 / x.p99)}× |`,
    );
  }
  lines.push('');
  const c1 = r.coldSync.oneCluster;
  const cn = r.coldSync.allClusters;
  lines.push(
    `Cold sync (cache alone): 1 cluster ${c1.objects.pods} pods + ${
      c1.objects.deployments
    } Deployments + ${c1.objects.replicasets} ReplicaSets in ${f(
      c1.syncMs / 1000,
    )} s, +${c1.addedRssMb} MB RSS (heap +${c1.addedHeapMb} MB, peak +${
      c1.peakAddedRssMb
    } MB); ${cn.clusters} clusters ${cn.objects.pods} pods in ${f(
      cn.syncMs / 1000,
    )} s, +${cn.addedRssMb} MB RSS (heap +${cn.addedHeapMb} MB, peak +${
      cn.peakAddedRssMb
    } MB)`,
  );
  for (const p of r.coldSync.byPageSize ?? []) {
    lines.push(
      `Cold sync, 1 cluster, LIST pages of ${p.pageSize}: ${f(
        p.syncMs / 1000,
      )} s, +${p.addedRssMb} MB RSS (heap +${p.addedHeapMb} MB, peak +${
        p.peakAddedRssMb
      } MB)`,
    );
  }
  lines.push(
    `Backend ready (seeded, caches synced, catalog ingested) after ${r.backend.readySeconds} s; idle RSS ${r.backend.idleRssMb} MB`,
  );
  const fr = r.freshness;
  lines.push(
    `Freshness (pod Ready flip → visible), ${fr.samples} samples: REST median ${fr.restMedianMs} ms / max ${fr.restMaxMs} ms; event stream median ${fr.sseMedianMs} ms / max ${fr.sseMaxMs} ms`,
  );
  const st = r.streams;
  if (st) {
    lines.push(
      `Live streams: ${st.streams} open over ${st.components} components, ${st.changesSentPerSecond} changes/s (${st.changes}): API server → last stream p50 ${st.toLastStreamMs.p50} / p95 ${st.toLastStreamMs.p95} / p99 ${st.toLastStreamMs.p99} ms (per stream p99 ${st.perStreamMs.p99} ms); ${st.deliveriesNotShown} deliveries coalesced away, ${st.endState.streamsOnWrongState} streams on a wrong last state; ${st.memory.rssPerStreamKb} KB RSS / ${st.memory.heapPerStreamKb} KB heap per stream; CPU ${st.cpu.idleStreamsPercentOfCore}% idle, ${st.cpu.duringChangesPercentOfCore}% during the changes`,
    );
  }
  return lines.join('\n');
}

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch(e => {
    log(`failed: ${e.stack ?? e}`);
    cleanup();
    process.exit(1);
  });
