import knexFactory from 'knex';
import { exposureByType } from '../domain/policy/exposure';
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import { InMemoryClusterGateway } from './InMemoryClusterGateway';
import { DatabaseStore } from '../store/DatabaseStore';
import type {
  Actor,
  AuditEvent,
  Authorizer,
  Clock,
  WorkloadSource,
} from '../domain/ports';
import { EnvironmentService } from '../domain/environments/EnvironmentService';
import {
  EnvironmentTypeSpec,
  tierDefaults,
} from '../domain/environments/types';
import { DeploymentService } from '../domain/deployments/DeploymentService';
import { ApprovalService } from '../domain/approvals/ApprovalService';
import { OperationsService } from '../domain/operations/OperationsService';
import {
  CatalogRegistrations,
  TeardownService,
} from '../domain/operations/TeardownService';
import { ActionsService } from '../domain/actions/ActionsService';
import { PromotionPipelines } from '../domain/policy/pipeline';
import { ResourceService } from '../domain/resources/ResourceService';
import { builtinDrivers } from '../domain/resources/drivers';
import { checkDefinitions } from '../domain/resources/definitions';
import { protectionByType } from '../domain/policy/protection';

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
  const resources = new ResourceService({
    exposure: exposureByType(types),
    gateway,
    store,
    environments: store,
    authorizer,
    auditor,
    clock,
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
    readyTimeoutMs: 10_000,
  });
  const environments = new EnvironmentService({
    gateway,
    store,
    authorizer,
    auditor,
    clock,
    resources,
    types,
  });
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
  const pipelines = new PromotionPipelines(types);
  const policyFor = protectionByType(types);
  const directory = {
    ownershipOf: async (a: Actor) => options.groups?.[a.ref] ?? [],
  };
  const later: { approvals?: ApprovalService } = {};
  const deployments = new DeploymentService({
    exposure: exposureByType(types),
    gateway,
    environments: store,
    deployments: store,
    workloads: source,
    observer: {
      observe: () => ({ replicaSets: [], pods: [] }),
      syncedAt: () => undefined,
      subscribe: () => () => {},
    },
    authorizer,
    auditor,
    clock,
    resources,
    pipeline: pipelines,
    gate: { admit: r => later.approvals!.admit(r) },
    readCacheMs: 0,
  });
  const approvals = new ApprovalService({
    store,
    environments: store,
    authorizer,
    auditor,
    clock,
    directory,
    policyFor,
    execute: (a, r) =>
      deployments.runRelease(a, {
        action: r.action,
        permission: 'deployment.approve',
        component: r.component,
        environment: r.environment,
        releaseId: r.releaseId,
        approval: { id: r.id, approvers: r.approvals.map(x => x.by) },
      }),
  });
  later.approvals = approvals;
  const operations = new OperationsService({
    deployments,
    store,
    environments: store,
    authorizer,
    auditor,
    clock,
    types,
  });
  const actions = new ActionsService({
    environments: store,
    deployments: store,
    approvals: store,
    authorizer,
    auditor,
    clock,
    directory,
    pipelines,
    types,
    policyFor,
  });
  const teardown = new TeardownService({
    store,
    environments,
    deployments,
    authorizer,
    auditor,
    ...(options.catalog && { catalog: options.catalog }),
  });
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
  };
}
