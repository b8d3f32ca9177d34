import knexFactory from 'knex';
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import { InMemoryClusterGateway } from './InMemoryClusterGateway';
import { DatabaseStore } from '../store/DatabaseStore';
import type {
  Actor,
  AuditEvent,
  Authorizer,
  Clock,
  Notifier,
  WorkloadSource,
} from '../domain/ports';
import {
  EnvironmentTypeSpec,
  tierDefaults,
} from '../domain/environments/types';
import type { CatalogRegistrations } from '../domain/operations/TeardownService';
import { noObservability } from '../domain/observability/none';
import { createStagecraftDomain } from '../domain/createStagecraftDomain';
import { builtinDrivers } from '../domain/resources/drivers';
import { checkDefinitions } from '../domain/resources/definitions';
import type { GitWriter } from '../domain/delivery/ports';

/** A Score workload of one container, optionally with a postgres database. */
export const workloadText = (image: string, withDb = false) => `
apiVersion: score.dev/v1b1
metadata:
  name: app
containers:
  main:
    image: ${image}
    variables:
      GREETING: hi${withDb ? '\n      DATABASE_URL: ${resources.db.uri}' : ''}
${withDb ? 'resources:\n  db:\n    type: postgres\n' : ''}`;

/**
 * The real domain (environments, resources, deployments, approvals,
 * operations, actions, teardown) on an in-memory SQLite store and the
 * in-memory cluster gateway; only the ports are fakes.
 */
export async function domainHarness(
  options: {
    authorizer?: Authorizer;
    types?: EnvironmentTypeSpec[];
    groups?: Record<string, string[]>;
    catalog?: CatalogRegistrations;
    notifier?: Notifier;
    /** Git writes of GitOps environment types. */
    git?: GitWriter;
  } = {},
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  const gateway = new InMemoryClusterGateway(['local']);
  const time = { now: Date.parse('2026-11-24T10:00:00Z') };
  const clock: Clock = {
    now: () => new Date((time.now += 1000)),
    sleep: async () => {
      // a fake controller: StatefulSets become ready while deploys wait
      for (const o of gateway.objects.values()) {
        if (o.kind === 'StatefulSet') {
          (o as any).status = { readyReplicas: 1, observedGeneration: 1 };
        }
      }
    },
  };
  const audits: AuditEvent[] = [];
  const auditor = { record: async (e: AuditEvent) => void audits.push(e) };
  const authorizer: Authorizer = options.authorizer ?? {
    authorize: async (_a, _action, resources) =>
      (resources ?? [undefined]).map(() => true),
  };
  const types = options.types ?? [
    tierDefaults('preview', 'preview'),
    tierDefaults('development', 'development'),
    tierDefaults('staging', 'staging'),
    {
      ...tierDefaults('production', 'production'),
      approvals: { required: 1, group: 'group:default/platform' },
    },
  ];
  const drivers = new Map<string, ResourceDriver>(
    builtinDrivers().map(d => [d.name, d]),
  );
  const workloads = new Map<string, string>();
  const source: WorkloadSource = {
    component: async ref => {
      const name = ref.split('/')[1];
      return { ref, name, kubernetesId: name, owner: 'group:default/team-a' };
    },
    workload: async c => ({
      text: workloads.get(c.ref) ?? workloadText('ghcr.io/acme/app:1.0.0'),
      source: `${c.name}.score.yaml`,
    }),
  };
  const directory = {
    ownershipOf: async (a: Actor) => options.groups?.[a.ref] ?? [],
  };
  // the same wiring as the backend plugin's
  const domain = createStagecraftDomain(
    {
      gateway,
      store,
      authorizer,
      auditor,
      clock,
      workloads: source,
      observer: {
        observe: () => ({ replicaSets: [], pods: [] }),
        syncedAt: () => undefined,
        subscribe: () => () => {},
      },
      directory,
      logs: noObservability,
      events: noObservability,
      ...(options.catalog && { catalog: options.catalog }),
      ...(options.notifier && { notifier: options.notifier }),
      ...(options.git && { git: options.git }),
    },
    {
      types,
      drivers,
      definitions: checkDefinitions(
        [
          {
            id: 'postgres',
            type: 'postgres',
            driver: 'manifests',
            params: { template: 'postgres' },
          },
        ],
        drivers,
        'defs',
        'config',
      ),
      resourceReadyTimeoutMs: 10_000,
      readCacheMs: 0,
    },
  );
  const {
    environments,
    deployments,
    approvals,
    operations,
    actions,
    teardown,
    pipelines,
  } = domain;
  const admin: Actor = { ref: 'user:default/admin', credentials: {} };
  /** Provisions environments of one system, in order. */
  const provision = async (
    envs: Array<[name: string, type: string, extra?: Record<string, unknown>]>,
  ) => {
    for (const [name, type, extra] of envs) {
      await environments.create(admin, {
        name,
        type,
        owner: 'group:default/team-a',
        system: 'shop',
        ...extra,
      });
    }
  };
  return {
    store,
    gateway,
    time,
    audits,
    workloads,
    environments,
    deployments,
    approvals,
    operations,
    actions,
    teardown,
    pipelines,
    provision,
    /** Every use case, as createStagecraftDomain built them. */
    domain,
  };
}
