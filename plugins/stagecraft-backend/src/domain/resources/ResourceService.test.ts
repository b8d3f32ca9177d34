import knexFactory from 'knex';
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type {
  Actor,
  AuditEvent,
  Clock,
  KubeObject,
  WorkloadSource,
} from '../ports';
import { EnvironmentService } from '../environments/EnvironmentService';
import { tierDefaults } from '../environments/types';
import { DeploymentService } from '../deployments/DeploymentService';
import { checkDefinitions } from './definitions';
import { builtinDrivers } from './drivers';
import { ResourceService } from './ResourceService';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };

const workload = (resources: Record<string, unknown>, vars = {}) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'app' },
  containers: {
    main: {
      image: 'ghcr.io/example/app:1.0.0',
      variables: { DATABASE_URL: '${resources.db.uri}', ...vars },
    },
  },
  resources,
});

const DEFINITIONS = [
  {
    // a kind the cluster does not serve (like HTTPRoute without Gateway API)
    id: 'widget-in-namespace',
    type: 'widget',
    driver: 'manifests',
    params: {
      manifests: [
        {
          apiVersion: 'unknown.example/v1',
          kind: 'Widget',
          metadata: { name: '{{ name }}' },
        },
      ],
      outputs: { name: '{{ name }}' },
    },
  },
  {
    id: 'postgres-in-namespace',
    type: 'postgres',
    driver: 'manifests',
    params: { template: 'postgres' },
  },
  {
    id: 'postgres-managed',
    type: 'postgres',
    environmentType: 'production',
    driver: 'existing',
    params: {
      secretName: '{{ name }}-credentials',
      outputs: { host: { secretKey: 'host' }, uri: { secretKey: 'uri' } },
    },
  },
];

async function setup(
  options: {
    allow?: (action: string) => boolean;
    /** The fake controller makes StatefulSets ready while deploys wait. */
    controller?: boolean;
  } = {},
) {
  const { allow = () => true, controller = true } = options;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  const gateway = new InMemoryClusterGateway(['local']);
  let now = Date.parse('2026-11-24T10:00:00Z');
  const clock: Clock = {
    now: () => new Date((now += 1000)),
    sleep: async () => {
      if (!controller) return;
      for (const o of gateway.objects.values()) {
        if (o.kind === 'StatefulSet') {
          (o as any).status = { readyReplicas: 1, observedGeneration: 1 };
        }
      }
    },
  };
  const audits: AuditEvent[] = [];
  const auditor = { record: async (e: AuditEvent) => void audits.push(e) };
  const authorizer = {
    authorize: async (_a: Actor, action: string, resources?: string[]) =>
      (resources ?? [undefined]).map(() => allow(action)),
  };
  const drivers = new Map<string, ResourceDriver>(
    builtinDrivers().map(d => [d.name, d]),
  );
  const resources = new ResourceService({
    gateway,
    store,
    environments: store,
    authorizer,
    auditor,
    clock,
    drivers,
    definitions: checkDefinitions(DEFINITIONS, drivers, 'defs', 'config'),
    readyTimeoutMs: 10_000,
  });
  const environments = new EnvironmentService({
    gateway,
    store,
    authorizer,
    auditor,
    clock,
    resources,
    types: (['development', 'production'] as const).map(t =>
      tierDefaults(t, t),
    ),
  });
  for (const [name, type] of [
    ['shop-dev', 'development'],
    ['shop-prod', 'production'],
  ] as const) {
    await environments.create(alice, {
      name,
      type,
      owner: 'group:default/team-a',
    });
  }
  const workloads: WorkloadSource = {
    component: async ref => {
      const name = ref.split('/')[1];
      return { ref, name, kubernetesId: name };
    },
    workload: async () => {
      throw new Error('inline workloads only');
    },
  };
  const deployments = new DeploymentService({
    gateway,
    environments: store,
    deployments: store,
    workloads,
    observer: {
      observe: () => ({ replicaSets: [], pods: [] }),
      syncedAt: () => undefined,
      subscribe: () => () => {},
    },
    authorizer,
    auditor,
    clock,
    resources,
  });
  gateway.calls.length = 0;
  audits.length = 0;
  const find = (kind: string, name: string, namespace: string) =>
    gateway.objects.get(
      `local|${
        kind === 'StatefulSet' || kind === 'Deployment' ? 'apps/v1' : 'v1'
      }|${kind}|${namespace}|${name}`,
    );
  const labelled = () =>
    [...gateway.objects.values()].filter(
      o => o.metadata.labels?.['stagecraft.io/resource'],
    );
  return {
    gateway,
    store,
    audits,
    resources,
    environments,
    deployments,
    find,
    labelled,
  };
}

const envOf = (o: KubeObject | undefined) =>
  ((o as any)?.spec.template.spec.containers[0].env ?? []) as Array<
    Record<string, any>
  >;

describe('ResourceService through deploys', () => {
  it('provisions postgres with the manifests driver in development and injects DATABASE_URL as a secretKeyRef', async () => {
    const t = await setup();
    const progress: string[] = [];
    await t.deployments.deploy(
      alice,
      'shop',
      {
        environment: 'shop-dev',
        workload: workload({ db: { type: 'postgres' } }),
      },
      m => progress.push(m),
    );
    const sts = t.find('StatefulSet', 'shop-db', 'shop-dev');
    const svc = t.find('Service', 'shop-db', 'shop-dev');
    const secret = t.find('Secret', 'shop-db', 'shop-dev') as any;
    expect(sts?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': 'shop-dev',
      'stagecraft.io/resource': 'shop-db',
      'stagecraft.io/resource-type': 'postgres',
    });
    expect(sts?.metadata.annotations).toEqual({
      'stagecraft.io/requested-by': 'component:default/shop',
    });
    expect(svc?.metadata.labels?.['stagecraft.io/resource']).toBe('shop-db');
    expect(secret.metadata.labels['stagecraft.io/resource']).toBe('shop-db');
    const password = secret.stringData.password as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(secret.stringData.uri).toBe(
      `postgresql://app:${password}@shop-db.shop-dev.svc.cluster.local:5432/app`,
    );
    // the Secret exists before the StatefulSet that reads it
    expect(t.gateway.calls.indexOf('create Secret/shop-db')).toBeLessThan(
      t.gateway.calls.indexOf('apply StatefulSet/shop-db'),
    );
    const deployment = t.find('Deployment', 'shop', 'shop-dev');
    expect(envOf(deployment)).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'shop-db', key: 'uri' } },
      },
    ]);
    expect(JSON.stringify(deployment)).not.toContain(password);
    // deploy waited for the database, then applied the workload
    expect(
      progress.some(m => m.startsWith('waiting for resource shop-db')),
    ).toBe(true);
    expect(t.gateway.calls.indexOf('apply Deployment/shop')).toBeGreaterThan(
      t.gateway.calls.indexOf('apply StatefulSet/shop-db'),
    );
    expect(t.audits.map(a => `${a.action} ${a.outcome}`)).toEqual([
      'resource.provision succeeded',
      'deployment.deploy succeeded',
    ]);
    expect(t.audits[0]).toMatchObject({
      targetKind: 'resource',
      target: 'shop-dev',
      details: {
        resource: 'shop-db',
        driver: 'manifests',
        definition: 'postgres-in-namespace',
        component: 'component:default/shop',
        objects: ['Secret/shop-db', 'Service/shop-db', 'StatefulSet/shop-db'],
      },
    });
    expect(JSON.stringify(t.audits)).not.toContain(password);

    const [listed] = await t.resources.list(alice, 'shop-dev');
    expect(listed).toMatchObject({
      name: 'shop-db',
      type: 'postgres',
      class: 'default',
      driver: 'manifests',
      consumers: [
        expect.objectContaining({
          component: 'component:default/shop',
          resource: 'db',
          actor: 'user:default/alice',
        }),
      ],
      status: { ready: true },
    });
    expect(listed.outputs).toEqual([
      { name: 'database', secret: false },
      { name: 'host', secret: false },
      { name: 'name', secret: false },
      { name: 'password', secret: true },
      { name: 'port', secret: false },
      { name: 'uri', secret: true },
      { name: 'username', secret: true },
    ]);
    expect(JSON.stringify(listed)).not.toContain(password);
  });

  it('keeps the generated password across deploys without reading the Secret', async () => {
    const t = await setup();
    const body = {
      environment: 'shop-dev',
      workload: workload({ db: { type: 'postgres' } }),
    };
    await t.deployments.deploy(alice, 'shop', body);
    const first = (t.find('Secret', 'shop-db', 'shop-dev') as any).stringData
      .password;
    t.gateway.calls.length = 0;
    await t.deployments.deploy(alice, 'shop', body);
    expect(t.gateway.calls).toContain('create Secret/shop-db (exists)');
    // kept as it is; only its labels and annotations are merged again
    expect(t.gateway.calls.filter(c => c.includes('Secret/'))).toEqual([
      'create Secret/shop-db (exists)',
      'merge-patch Secret/shop-db',
    ]);
    expect(
      (t.find('Secret', 'shop-db', 'shop-dev') as any).stringData.password,
    ).toBe(first);
  });

  it('binds the existing Secret in production and creates nothing', async () => {
    const t = await setup();
    await t.deployments.deploy(alice, 'shop', {
      environment: 'shop-prod',
      workload: workload({ db: { type: 'postgres' } }),
    });
    expect(t.labelled()).toEqual([]);
    expect(t.gateway.calls.filter(c => !c.includes('Deployment/shop'))).toEqual(
      [],
    );
    expect(envOf(t.find('Deployment', 'shop', 'shop-prod'))).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: {
          secretKeyRef: { name: 'shop-db-credentials', key: 'uri' },
        },
      },
    ]);
    const [listed] = await t.resources.list(alice, 'shop-prod');
    expect(listed).toMatchObject({
      driver: 'existing',
      objects: [],
      status: { ready: true },
    });
  });

  it('shares one database between workloads asking for the same id', async () => {
    const t = await setup();
    const shared = { db: { type: 'postgres', id: 'shared-db' } };
    await t.deployments.deploy(alice, 'shop', {
      environment: 'shop-dev',
      workload: workload(shared),
    });
    await t.deployments.deploy(alice, 'orders', {
      environment: 'shop-dev',
      workload: workload(shared),
    });
    expect(
      t
        .labelled()
        .filter(o => o.kind === 'StatefulSet')
        .map(o => o.metadata.name),
    ).toEqual(['shared-db']);
    expect(
      t.find('StatefulSet', 'shared-db', 'shop-dev')?.metadata.annotations,
    ).toEqual({
      'stagecraft.io/requested-by':
        'component:default/orders,component:default/shop',
    });
    for (const c of ['shop', 'orders']) {
      expect(envOf(t.find('Deployment', c, 'shop-dev'))[0]).toEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'shared-db', key: 'uri' } },
      });
    }
    const listed = await t.resources.list(alice, 'shop-dev');
    expect(
      listed.map(r => [r.name, r.id, r.consumers.map(c => c.component)]),
    ).toEqual([
      [
        'shared-db',
        'shared-db',
        ['component:default/orders', 'component:default/shop'],
      ],
    ]);
  });

  it('refuses a shared id asked for as another type (409)', async () => {
    const t = await setup();
    await t.deployments.deploy(alice, 'shop', {
      environment: 'shop-dev',
      workload: workload({ db: { type: 'postgres', id: 'shared-db' } }),
    });
    await expect(
      t.deployments.deploy(alice, 'orders', {
        environment: 'shop-dev',
        workload: workload({
          db: { type: 'postgres', id: 'shared-db', class: 'large' },
        }),
      }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'shared resource "shared-db" in environment "shop-dev" is a postgres (class default), not a postgres (class large)',
      ),
    });
  });

  it('refuses an unknown type before writing anything, naming the type and the environment', async () => {
    const t = await setup();
    await expect(
      t.deployments.deploy(alice, 'shop', {
        environment: 'shop-dev',
        workload: workload({
          db: { type: 'postgres' },
          docs: { type: 'mongodb' },
        }),
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        {
          field: 'resources.docs.type',
          message: expect.stringContaining(
            'no resource definition for type "mongodb" in environment "shop-dev" (environment type "development")',
          ),
        },
      ],
    });
    expect(t.gateway.calls).toEqual([]);
    expect(await t.resources.list(alice, 'shop-dev')).toEqual([]);
  });

  it('refuses a kind the cluster does not serve before writing anything, naming the object', async () => {
    const t = await setup();
    await expect(
      t.deployments.deploy(alice, 'shop', {
        environment: 'shop-dev',
        workload: workload({
          db: { type: 'postgres' },
          gadget: { type: 'widget' },
        }),
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        {
          field: 'Widget/shop-gadget.kind',
          message:
            'resources.gadget: Widget/shop-gadget: cluster local does not serve unknown.example/v1 Widget',
        },
      ],
    });
    // server-side dry runs (the Pod Security check) only, no write
    expect(t.gateway.calls.filter(c => !/^(get|dry-run) /.test(c))).toEqual([]);
    expect(await t.resources.list(alice, 'shop-dev')).toEqual([]);
  });

  it('refuses params a definition does not expose, before writing anything', async () => {
    const t = await setup();
    await expect(
      t.deployments.deploy(alice, 'shop', {
        environment: 'shop-dev',
        workload: workload({
          db: { type: 'postgres', params: { replicas: 3 } },
        }),
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      errors: [
        {
          field: 'resources.db.params.replicas',
          message:
            'resources.db: params.replicas is not a parameter of resource definition "postgres-in-namespace" (its parameters: cpu, database, image, memory, username)',
        },
      ],
    });
    expect(t.gateway.calls).toEqual([]);
  });

  it('a dry run provisions nothing and shows the secretKeyRef', async () => {
    const t = await setup();
    const res = await t.deployments.deploy(alice, 'shop', {
      environment: 'shop-dev',
      dryRun: true,
      workload: workload({ db: { type: 'postgres' } }),
    });
    expect(res.diff).toContain('secretKeyRef');
    expect(t.labelled()).toEqual([]);
    expect(t.audits).toEqual([]);
  });

  it('needs stagecraft.resource.provision (403, audited, nothing applied)', async () => {
    const t = await setup({ allow: a => a !== 'resource.provision' });
    await expect(
      t.deployments.deploy(alice, 'shop', {
        environment: 'shop-dev',
        workload: workload({ db: { type: 'postgres' } }),
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(t.gateway.calls.filter(c => !c.startsWith('dry-run'))).toEqual([]);
    expect(t.audits).toEqual([
      expect.objectContaining({
        action: 'resource.provision',
        outcome: 'failed',
        error: 'denied',
      }),
    ]);
  });

  it('gives up when a resource does not become ready, naming it (503, audited, workload not applied)', async () => {
    const t = await setup({ controller: false });
    await expect(
      t.deployments.deploy(alice, 'shop', {
        environment: 'shop-dev',
        workload: workload({ db: { type: 'postgres' } }),
      }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'resource shop-db (postgres) in shop-dev not ready after 10 s: StatefulSet/shop-db: 0/1 ready',
    });
    expect(t.find('Deployment', 'shop', 'shop-dev')).toBeUndefined();
    expect(t.audits.map(a => `${a.action} ${a.outcome}`)).toEqual([
      'resource.provision failed',
    ]);
  });

  it('deprovisions every resource when the environment is deleted', async () => {
    const t = await setup();
    await t.deployments.deploy(alice, 'shop', {
      environment: 'shop-dev',
      workload: workload({ db: { type: 'postgres', id: 'shared-db' } }),
    });
    await t.deployments.deploy(alice, 'orders', {
      environment: 'shop-dev',
      workload: workload({ db: { type: 'postgres' } }),
    });
    expect(t.labelled().length).toBe(6);
    t.gateway.calls.length = 0;
    await t.environments.delete(alice, 'shop-dev', {});
    expect(t.labelled()).toEqual([]);
    // deleted one by one before the namespace went
    expect(t.gateway.calls.slice(0, 7)).toEqual([
      'delete StatefulSet/orders-db',
      'delete Service/orders-db',
      'delete Secret/orders-db',
      'delete StatefulSet/shared-db',
      'delete Service/shared-db',
      'delete Secret/shared-db',
      'delete Namespace/shop-dev',
    ]);
    expect(await t.store.listResources('shop-dev')).toEqual([]);
    expect(await t.store.listConsumers('shop-dev')).toEqual([]);
    expect(
      t.audits
        .filter(a => a.action === 'resource.deprovision')
        .map(a => a.details?.resource),
    ).toEqual(['orders-db', 'shared-db']);
  });

  it('lists resources only with stagecraft.resource.read', async () => {
    const t = await setup({ allow: a => a !== 'resource.read' });
    await expect(t.resources.list(alice, 'shop-dev')).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(t.resources.list(alice, 'Not_A_Name')).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});
