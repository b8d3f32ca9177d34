// Helpers of observability.integration.test.ts: a permissions service that
// refuses one user the logs, CRI log lines for kwok, the API server's open
// pods/log requests, and a server-sent event reader.
import { sseReader } from './sse';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { kubeconfig } from './integration';

const admin = kubeconfig('admin');
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/** Permissions: everything, except logs for mallory. */
export const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = (reqs: any[], opts: any) =>
      reqs.map(r => ({
        result:
          r.permission.name === 'stagecraft.logs.read' &&
          opts?.credentials?.principal?.userEntityRef === 'user:default/mallory'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    return {
      authorize: async (reqs: any[], opts: any) => decide(reqs, opts),
      authorizeConditional: async (reqs: any[], opts: any) =>
        decide(reqs, opts),
    } as any;
  },
});

/** A CRI log line, as a container runtime writes it. */
export const cri = (time: Date, text: string) =>
  `${time.toISOString().replace('Z', '000000Z')} stdout F ${text}\n`;

/** The admin's GET of an API server path (metrics), as text. */
export function adminGet(p: string): Promise<string> {
  const cluster = admin.getCurrentCluster()!;
  const url = new URL(p, cluster.server);
  return new Promise((resolve, reject) => {
    https
      .get(
        url,
        {
          ca: Buffer.from(cluster.caData!, 'base64'),
          headers: { Authorization: `Bearer ${admin.getCurrentUser()!.token}` },
        },
        res => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', c => (body += c));
          res.on('end', () => resolve(body));
        },
      )
      .on('error', reject);
  });
}

/** The API server's open long-running requests whose labels hold all of `labels`. */
async function longRunning(labels: string[]): Promise<number> {
  const metrics = await adminGet('/metrics');
  return metrics
    .split('\n')
    .filter(
      l =>
        l.startsWith('apiserver_longrunning_requests{') &&
        labels.every(label => l.includes(label)),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Open pods/log requests at the API server (its long-running requests gauge). */
export const openLogRequests = () =>
  longRunning(['resource="pods"', 'subresource="log"']);

/** Open WATCH requests of core/v1 Events at the API server. */
export const openEventWatches = () =>
  longRunning(['resource="events"', 'verb="WATCH"', 'group=""']);

/** A live SSE stream: events as they come, with the time each arrived. */
export function openStream(server: http.Server, p: string, user: string) {
  const { port } = server.address() as AddressInfo;
  const events: Array<{ event: string; data: any; at: number }> = [];
  const listeners = new Set<() => void>();
  let status = 0;
  let contentType = '';
  const req = http.get(
    {
      host: '127.0.0.1',
      port,
      path: p,
      headers: { Authorization: as(user) },
    },
    res => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type']);
      const read = sseReader();
      res.setEncoding('utf8');
      res.on('data', chunk => {
        for (const e of read(chunk)) {
          if (e.event)
            events.push({ event: e.event, data: e.data, at: Date.now() });
        }
        listeners.forEach(l => l());
      });
      res.on('end', () => listeners.forEach(l => l()));
    },
  );
  req.on('error', () => undefined);
  return {
    events,
    status: () => status,
    contentType: () => contentType,
    /** Resolves once `probe` holds (checked on every chunk), or fails after 20 s. */
    until(what: string, probe: () => boolean): Promise<void> {
      return new Promise((resolve, reject) => {
        const wait: { timer?: NodeJS.Timeout } = {};
        const check = () => {
          if (!probe()) return;
          listeners.delete(check);
          clearTimeout(wait.timer);
          resolve();
        };
        wait.timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `timed out waiting for ${what}; got ${JSON.stringify(
                events.filter(e => e.event !== 'pods'),
              ).slice(0, 600)}`,
            ),
          );
        }, 20_000);
        listeners.add(check);
        check();
      });
    },
    close: () => req.destroy(),
  };
}
