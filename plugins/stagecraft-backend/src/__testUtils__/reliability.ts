// Shared by the reliability suites (*.reliability.test.ts, run by
// scripts/reliability.sh): a control plane of their own (never the shared
// dev/cluster instance, since they stop its API server), PostgreSQL, a
// fault-injecting proxy in front of the API server, and the results file the
// script summarises ("faults injected, operations attempted, lost = 0,
// converge time").
import { KubeConfig } from '@kubernetes/client-node';
import type { JsonObject } from '@backstage/types';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { kubeconfig } from './integration';

const sharedState = path.resolve(__dirname, '../../../../dev/cluster/state');
export const clusterState = path.resolve(
  process.env.STAGECRAFT_CLUSTER_STATE ?? sharedState,
);

/**
 * The reliability suites run only from scripts/reliability.sh (which sets
 * STAGECRAFT_RELIABILITY=1 and brings up their control plane and database),
 * never as a side effect of a plain `yarn test`.
 */
export const describeReliability =
  process.env.STAGECRAFT_RELIABILITY === '1' ? describe : describe.skip;

/** Refuses to run fault tests against the cluster other engineers' tests use. */
export function assertOwnCluster() {
  if (clusterState === sharedState) {
    throw new Error(
      'the reliability suites stop and restart the API server: run them on a control plane of their own (scripts/reliability.sh starts one; STAGECRAFT_CLUSTER_STATE points at it)',
    );
  }
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------

const pgUrl = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** PostgreSQL for the backend under test (required when the script asks). */
export function postgresBackendConfig(prefix: string): JsonObject | undefined {
  if (!pgUrl) {
    if (process.env.STAGECRAFT_REQUIRE_POSTGRES === '1') {
      throw new Error(
        'STAGECRAFT_REQUIRE_POSTGRES=1 but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set',
      );
    }
    return undefined;
  }
  return {
    database: {
      client: 'pg',
      connection: pgUrl,
      prefix,
      knexConfig: { pool: { min: 0, max: 20 } },
    },
  };
}

/** A connection to one plugin's database of a backend started with `prefix`. */
export function pluginDatabase(prefix: string, pluginId = 'stagecraft'): Knex {
  if (!pgUrl) throw new Error('no PostgreSQL');
  return knexFactory({
    client: 'pg',
    connection: `${pgUrl}/${prefix}${pluginId}`,
    pool: { min: 0, max: 4 },
  });
}

export const usingPostgres = () => Boolean(pgUrl);

// ---------------------------------------------------------------------------
// results
// ---------------------------------------------------------------------------

export interface ScenarioResult {
  scenario: string;
  /** Faults injected (API server stops, 429s, latency, killed watches…). */
  faults: number;
  /** Operations attempted (HTTP requests to Stagecraft). */
  attempted: number;
  completed: number;
  /** Reported failed: an error answer and a `failed` audit row. */
  failed: number;
  /** Neither completed nor reported failed. Must be 0. */
  lost: number;
  /** Time for the watch cache to show the cluster's state again (ms). */
  convergeMs?: number;
  durationMs?: number;
  notes?: string;
}

/** Appends one scenario's numbers to the results file the script prints. */
export function recordResult(result: ScenarioResult) {
  const file = process.env.STAGECRAFT_RELIABILITY_RESULTS;
  // eslint-disable-next-line no-console
  console.log(`reliability: ${JSON.stringify(result)}`);
  if (file) fs.appendFileSync(file, `${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

export function baseUrl(server: http.Server) {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One JSON call to the backend; never throws on an HTTP status. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, ms: Date.now() - started };
  } catch (e) {
    // no answer at all: status 0 (counted as lost unless audited)
    return {
      status: 0,
      body: { error: String(e) },
      ms: Date.now() - started,
    };
  }
}

/** Runs `fn` for every item with at most `concurrency` at a time. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------
// the API server of our own control plane
// ---------------------------------------------------------------------------

/** Stops and restarts just the kube-apiserver of the control plane, by PID. */
export class ApiServerControl {
  private argv?: string[];
  readonly pidFile = path.join(clusterState, 'pids', 'kube-apiserver.pid');
  stops = 0;

  private pid(): number | undefined {
    try {
      return Number(fs.readFileSync(this.pidFile, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  private static alive(pid: number) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return !/^State:\s+Z/m.test(status);
    } catch {
      return false;
    }
  }

  /** SIGTERM (SIGKILL after 15 s); remembers the command line to restart it. */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    assertOwnCluster();
    const pid = this.pid();
    if (!pid || !ApiServerControl.alive(pid)) {
      throw new Error('kube-apiserver is not running');
    }
    this.argv = fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean);
    process.kill(pid, signal);
    const deadline = Date.now() + 15_000;
    while (ApiServerControl.alive(pid)) {
      if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
      await sleep(100);
    }
    this.stops++;
  }

  /** Starts it again with the same arguments; its PID goes to the PID file. */
  start() {
    if (!this.argv) throw new Error('stop() first');
    const logs =
      process.env.STAGECRAFT_CLUSTER_LOGS ??
      path.join(path.dirname(clusterState), 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const log = fs.openSync(path.join(logs, 'kube-apiserver.log'), 'a');
    const child = spawn(this.argv[0], this.argv.slice(1), {
      detached: true,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    child.unref();
  }

  /** Waits for /readyz; returns how long it took (ms). */
  async waitReady(timeoutMs = 120_000): Promise<number> {
    const started = Date.now();
    const kc = kubeconfig('admin');
    const server = kc.getCurrentCluster()!.server;
    while (Date.now() - started < timeoutMs) {
      if (await readyz(kc, server)) return Date.now() - started;
      await sleep(250);
    }
    throw new Error(`kube-apiserver not ready within ${timeoutMs} ms`);
  }
}

async function readyz(kc: KubeConfig, server: string): Promise<boolean> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return new Promise(resolve => {
    const req = https.get(
      `${server}/readyz`,
      { ...opts, timeout: 2000 },
      res => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

// ---------------------------------------------------------------------------
// a fault-injecting proxy in front of the API server
// ---------------------------------------------------------------------------

export interface FaultProxy {
  url: string;
  /** The next `n` non-watch requests are answered 429 with this Retry-After. */
  reject429(n: number, retryAfterSeconds?: number): void;
  /** Added before every request is forwarded. */
  setLatency(ms: number): void;
  /** Drops every open watch connection; returns how many. */
  killWatches(): number;
  /** The next `n` resumed watches (with a resourceVersion) get 410 Gone. */
  expireWatches(n: number): void;
  openWatches(): number;
  injected: {
    status429: number;
    delayed: number;
    watchesKilled: number;
    gone410: number;
  };
  close(): Promise<void>;
}

/**
 * A TLS-terminating HTTP proxy on loopback (the API server's own certificate,
 * valid for 127.0.0.1 on any port) forwarding to the API server; requests and
 * watch streams pass through unchanged unless a fault is armed.
 */
export async function startFaultProxy(): Promise<FaultProxy> {
  const pki = path.join(clusterState, 'pki');
  const admin = kubeconfig('admin');
  const upstream = new URL(admin.getCurrentCluster()!.server);
  const agent = new https.Agent({
    ca: fs.readFileSync(path.join(pki, 'ca.crt')),
    keepAlive: true,
  });
  let pending429 = 0;
  let retryAfter = '1';
  let latency = 0;
  let expire = 0;
  const injected = { status429: 0, delayed: 0, watchesKilled: 0, gone410: 0 };
  const watches = new Set<{
    res: http.ServerResponse;
    up?: http.ClientRequest;
  }>();

  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(pki, 'apiserver.crt')),
      key: fs.readFileSync(path.join(pki, 'apiserver.key')),
    },
    async (req, res) => {
      const url = req.url ?? '/';
      const isWatch = /[?&]watch=(true|1)/.test(url);
      if (!isWatch && pending429 > 0) {
        pending429--;
        injected.status429++;
        res.writeHead(429, {
          'Content-Type': 'application/json',
          'Retry-After': retryAfter,
        });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'TooManyRequests',
            message: 'too many requests (injected by the fault proxy)',
            code: 429,
          }),
        );
        req.resume();
        return;
      }
      if (isWatch && expire > 0 && /[?&]resourceVersion=\d/.test(url)) {
        expire--;
        injected.gone410++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          `${JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: 'too old resource version (injected by the fault proxy)',
              reason: 'Expired',
              code: 410,
            },
          })}\n`,
        );
        req.resume();
        return;
      }
      if (latency > 0) {
        injected.delayed++;
        await sleep(latency);
      }
      const entry: { res: http.ServerResponse; up?: http.ClientRequest } = {
        res,
      };
      const up = https.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        upRes => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on('error', () => res.destroy());
        },
      );
      entry.up = up;
      // the API server is gone: the client sees its connection drop
      up.on('error', () => res.destroy());
      res.on('close', () => {
        watches.delete(entry);
        if (!res.writableFinished) up.destroy();
      });
      if (isWatch) watches.add(entry);
      req.pipe(up);
    },
  );
  const sockets = new Set<net.Socket>();
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    injected,
    reject429(n, seconds = 1) {
      pending429 = n;
      retryAfter = String(seconds);
    },
    setLatency(ms) {
      latency = ms;
    },
    expireWatches(n) {
      expire = n;
    },
    openWatches: () => watches.size,
    killWatches() {
      const n = watches.size;
      for (const w of [...watches]) {
        w.up?.destroy();
        w.res.destroy();
      }
      watches.clear();
      injected.watchesKilled += n;
      return n;
    },
    async close() {
      sockets.forEach(s => s.destroy());
      agent.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

/** A loopback server that accepts connections and never answers (a dead cluster). */
export async function startBlackhole() {
  const sockets: net.Socket[] = [];
  const server = net.createServer(s => {
    sockets.push(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      sockets.forEach(s => s.destroy());
      await new Promise(r => server.close(r));
    },
  };
}

/** The `stagecraft` identity's cluster entry (CA, token) pointed at `url`. */
export function clusterEntry(name: string, url?: string): JsonObject {
  const sc = kubeconfig('stagecraft');
  return {
    name,
    url: url ?? sc.getCurrentCluster()!.server,
    serviceAccountToken: sc.getCurrentUser()!.token!,
    caData: sc.getCurrentCluster()!.caData!,
  };
}

/** A development environment type with room for load (100 pods, 100 CPUs). */
export const roomyDevelopmentType = {
  name: 'development',
  tier: 'development',
  quota: { cpu: '100', memory: '100Gi', pods: 100 },
};

/** Writes a catalog file with components whose Score workload is `image`. */
export function writeCatalog(
  dir: string,
  components: string[],
  image = 'registry.example.com/acme/svc:1.0.0',
) {
  fs.writeFileSync(
    path.join(dir, 'svc.score.yaml'),
    `apiVersion: score.dev/v1b1\nmetadata:\n  name: svc\ncontainers:\n  main:\n    image: ${image}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'catalog-info.yaml'),
    components
      .map(
        n =>
          `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${n}\n  annotations:\n    stagecraft.io/workload: ./svc.score.yaml\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/team-a\n`,
      )
      .join('---\n'),
  );
  return path.join(dir, 'catalog-info.yaml');
}
