// Shared by the integration suites that run against dev/cluster's real
// control plane (scripts/test.sh brings it up and sets STAGECRAFT_CLUSTER_STATE).
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import type http from 'node:http';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import catalogModuleStagecraft from '@stagecraft/backstage-plugin-catalog-backend-module-stagecraft';
import type { JsonObject } from '@backstage/types';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';
import { stagecraftPlugin } from '../plugin';

const state =
  process.env.STAGECRAFT_CLUSTER_STATE ??
  path.resolve(__dirname, '../../../../dev/cluster/state');

/** A kubeconfig written by `dev/cluster/cluster.sh up` (admin, viewer, stagecraft). */
export function kubeconfig(
  user: 'admin' | 'viewer' | 'stagecraft',
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path.join(state, `${user}.kubeconfig`));
  return kc;
}

export const statusCode = (e: unknown) => (e as { code?: number }).code;

/** Polls `probe` until it returns something other than undefined. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(
    `timed out waiting for ${what}${
      last ? ` (last error: ${String(last)})` : ''
    }`,
  );
}

/** Waits until the catalog serves an entity, e.g. `component/default/hello`. */
export function inCatalog(server: http.Server, kindNamespaceName: string) {
  return eventually(`${kindNamespaceName} in the catalog`, async () =>
    (
      await request(server).get(
        `/api/catalog/entities/by-name/${kindNamespaceName}`,
      )
    ).status === 200
      ? true
      : undefined,
  );
}

/**
 * Deletes a namespace (as admin) and waits until it is gone. The deadline is
 * an option, not a positional number, so `names.map(deleteNamespace)` cannot
 * pass an array index as the deadline (the compiler refuses it).
 */
export async function deleteNamespace(
  name: string,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
) {
  const core = kubeconfig('admin').makeApiClient(CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => undefined);
  await eventually(
    `namespace ${name} gone`,
    async () =>
      core.readNamespace({ name }).then(
        () => undefined,
        e => (statusCode(e) === 404 ? true : undefined),
      ),
    timeoutMs,
  );
}

export type AuditorEventRecord = {
  eventId: string;
  outcome: string;
  meta: any;
};

/**
 * A backend with the Stagecraft plugin, the catalog and its Stagecraft module,
 * the real events service and scheduler, talking to the local cluster as the
 * least-privileged `stagecraft` user. Auditor events are collected.
 */
export async function startIntegrationBackend(
  options: {
    stagecraft?: JsonObject;
    catalog?: JsonObject;
    auditorEvents?: AuditorEventRecord[];
    /** Collects every log line of every plugin (for leak checks). */
    logs?: string[];
    /** `backend.*` config, e.g. a PostgreSQL `database` (default: SQLite in memory). */
    backend?: JsonObject;
    /** Groups of users (userInfo ownership refs); default: only themselves. */
    groups?: Record<string, string[]>;
    /** The `kubernetes` block (cluster locators shared with the Kubernetes plugin). */
    kubernetes?: JsonObject;
    /** More backend features (modules), e.g. a cluster auth strategy. */
    features?: any[];
    /** More top-level config, e.g. `permission: { enabled: true }`. */
    extraConfig?: JsonObject;
  } = {},
) {
  const sc = kubeconfig('stagecraft');
  const events = options.auditorEvents ?? [];
  const { server } = await startTestBackend({
    features: [
      stagecraftPlugin,
      catalogPlugin,
      catalogModuleStagecraft,
      eventsServiceFactory,
      // the real scheduler, so scheduled tasks run on their schedule
      schedulerServiceFactory,
      createServiceFactory({
        service: coreServices.auditor,
        deps: {},
        factory: () => ({
          createEvent: async (opts: { eventId: string; meta?: unknown }) => ({
            success: async () =>
              void events.push({
                eventId: opts.eventId,
                outcome: 'succeeded',
                meta: opts.meta,
              }),
            fail: async () =>
              void events.push({
                eventId: opts.eventId,
                outcome: 'failed',
                meta: opts.meta,
              }),
          }),
        }),
      }),
      ...(options.logs ? [capturingRootLogger(options.logs)] : []),
      ...(options.groups ? [userInfoWithGroups(options.groups)] : []),
      ...(options.features ?? []),
      mockServices.rootConfig.factory({
        data: {
          ...options.extraConfig,
          ...(options.backend && { backend: options.backend }),
          ...(options.kubernetes && { kubernetes: options.kubernetes }),
          events: {
            useEventBus: 'never',
            ...(options.extraConfig?.events as JsonObject | undefined),
          },
          catalog: {
            rules: [{ allow: ['Environment', 'Location', 'Component'] }],
            ...options.catalog,
          },
          stagecraft: {
            clusters: [
              {
                name: 'local',
                url: sc.getCurrentCluster()!.server,
                serviceAccountToken: sc.getCurrentUser()!.token!,
                caData: sc.getCurrentCluster()!.caData!,
              },
            ],
            // owners of the suites' environments are not catalog entities;
            // the owner check has tests of its own
            requireCatalogOwners: false,
            ...options.stagecraft,
          },
        },
      }),
    ],
  });
  return server;
}

/** A root logger that keeps every line (message and metadata) in `lines`. */
function capturingRootLogger(lines: string[]) {
  const make = (meta: Record<string, unknown>): any => {
    const log = (level: string) => (message: string, extra?: unknown) =>
      void lines.push(JSON.stringify({ level, message, meta, extra }));
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (m: Record<string, unknown>) => make({ ...meta, ...m }),
    };
  };
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => make({}),
  });
}

/** userInfo whose ownership refs are the user and the groups given for them. */
export function userInfoWithGroups(groups: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      getUserInfo: async (credentials: any) => ({
        userEntityRef: credentials.principal.userEntityRef,
        ownershipEntityRefs: [
          credentials.principal.userEntityRef,
          ...(groups[credentials.principal.userEntityRef] ?? []),
        ],
      }),
    }),
  });
}

/**
 * A StagecraftClient calling a test backend as the default mock user (what
 * scaffolder actions use, with the initiator's credentials).
 */
export function clientFor(server: http.Server): StagecraftClient {
  const base = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/stagecraft`;
  return new StagecraftClient({
    discovery: {
      getBaseUrl: async () => base,
      getExternalBaseUrl: async () => base,
    },
    auth: {
      getPluginRequestToken: async () => ({
        token: mockCredentials.user.token(),
      }),
    } as any,
  });
}

/**
 * Like the real auth service: a plugin calling on behalf of a user sends a
 * user token with the plugin as actor (mock auth drops it, and the
 * permission backend refuses conditional "direct" requests).
 */
export function onBehalfOfUserAuth() {
  return createServiceFactory({
    service: coreServices.auth,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const inner = mockServices.auth({ pluginId: plugin.getId() });
      return Object.assign(Object.create(inner), {
        getPluginRequestToken: async (opts: any) =>
          opts.onBehalfOf.principal.type === 'user'
            ? {
                token: mockCredentials.user.token(
                  opts.onBehalfOf.principal.userEntityRef,
                  { actor: { subject: `plugin:${plugin.getId()}` } },
                ),
              }
            : inner.getPluginRequestToken(opts),
      });
    },
  });
}

/** Waits until the test backend's catalog serves an entity (default namespace). */
export function untilInCatalog(
  server: http.Server,
  kind: string,
  name: string,
) {
  return eventually(`${kind} ${name} in the catalog`, async () => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(
      `http://127.0.0.1:${port}/api/catalog/entities/by-name/${kind}/default/${name}`,
      { headers: { Authorization: mockCredentials.user.header() } },
    );
    return res.ok ? ((await res.json()) as JsonObject) : undefined;
  });
}
