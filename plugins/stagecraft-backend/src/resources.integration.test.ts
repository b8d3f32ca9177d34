// Infrastructure orchestration against the real local control plane: the
// manifests driver's StatefulSet runs on kwok, the existing driver binds a
// pre-made Secret, a claim's "provider" is the test (as admin), and deleting
// the environment leaves no labelled object behind.
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  V1Deployment,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  AuditorEventRecord,
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
  statusCode,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const apps = admin.makeApiClient(AppsV1Api);
const core = admin.makeApiClient(CoreV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);
const crds = admin.makeApiClient(ApiextensionsV1Api);

const DEV = 'res-dev';
const PROD = 'res-prod';
const COMPONENTS = ['shop', 'orders', 'billing', 'ledger', 'ghost'];
const CLAIM = {
  group: 'database.example.org',
  version: 'v1alpha1',
  plural: 'postgresqlinstances',
};

/**
 * A Crossplane-style claim kind, as a provider would install it (client-node
 * model names: `x_kubernetes_preserve_unknown_fields`, or its serializer drops it).
 */
const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${CLAIM.plural}.${CLAIM.group}` },
  spec: {
    group: CLAIM.group,
    scope: 'Namespaced',
    names: {
      plural: CLAIM.plural,
      singular: 'postgresqlinstance',
      kind: 'PostgreSQLInstance',
    },
    versions: [
      {
        name: CLAIM.version,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                x_kubernetes_preserve_unknown_fields: true,
              },
              status: {
                type: 'object',
                x_kubernetes_preserve_unknown_fields: true,
              },
            },
          },
        },
      },
    ],
  },
};

const catalog = COMPONENTS.map(
  name => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`,
).join('---\n');

const workload = (name: string, resources: Record<string, unknown>) => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name },
  containers: {
    main: {
      image: `registry.example.com/acme/${name}:1.0.0`,
      variables: { DATABASE_URL: '${resources.db.uri}' },
    },
  },
  resources,
});

const RESOURCES = {
  readyTimeoutSeconds: 120,
  definitions: [
    // a template that violates the namespace's Pod Security level (restricted)
    {
      id: 'cache-privileged',
      type: 'cache',
      driver: 'manifests',
      params: {
        secret: {
          data: { password: '{{ generated.password }}' },
          generate: ['password'],
        },
        manifests: [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: { name: '{{ name }}' },
            spec: {
              serviceName: '{{ name }}',
              selector: { matchLabels: { app: '{{ name }}' } },
              template: {
                metadata: { labels: { app: '{{ name }}' } },
                spec: {
                  containers: [
                    {
                      name: 'cache',
                      image: 'redis:7',
                      securityContext: { privileged: true },
                    },
                  ],
                },
              },
            },
          },
        ],
        outputs: { uri: 'redis://{{ name }}:6379' },
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
        outputs: {
          host: { secretKey: 'host' },
          uri: { secretKey: 'uri' },
        },
      },
    },
    {
      id: 'postgres-crossplane',
      type: 'postgres',
      class: 'crossplane',
      driver: 'claim',
      params: {
        apiVersion: `${CLAIM.group}/${CLAIM.version}`,
        kind: 'PostgreSQLInstance',
        spec: { parameters: { storageGB: '{{ params.storageGB }}' } },
        defaults: { storageGB: 10 },
        outputs: {
          host: { secretKey: 'endpoint' },
          uri: { secretKey: 'uri' },
        },
      },
    },
  ],
};

const envVars = (d: V1Deployment) => d.spec!.template.spec!.containers[0].env;

/** Every object carrying a resource label of an environment, cluster-wide. */
async function labelled(environment: string): Promise<string[]> {
  const labelSelector = `stagecraft.io/environment=${environment},stagecraft.io/resource`;
  const [sts, svc, secrets, claims] = await Promise.all([
    apps.listStatefulSetForAllNamespaces({ labelSelector }),
    core.listServiceForAllNamespaces({ labelSelector }),
    core.listSecretForAllNamespaces({ labelSelector }),
    custom.listClusterCustomObject({ ...CLAIM, labelSelector }),
  ]);
  return [
    ...sts.items.map(o => `StatefulSet/${o.metadata!.name}`),
    ...svc.items.map(o => `Service/${o.metadata!.name}`),
    ...secrets.items.map(o => `Secret/${o.metadata!.name}`),
    ...(claims as { items: any[] }).items.map(
      o => `PostgreSQLInstance/${o.metadata.name}`,
    ),
  ].sort();
}

describe('resources on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const logs: string[] = [];
  const auditorEvents: AuditorEventRecord[] = [];
  const api = () => request(server);
  const deploy = (component: string, body: Record<string, unknown>) =>
    api()
      .post(
        `/api/stagecraft/components/${encodeURIComponent(
          `component:default/${component}`,
        )}/deploy`,
      )
      .send(body);
  const readDeployment = (name: string, namespace: string) =>
    apps.readNamespacedDeployment({ name, namespace });

  beforeAll(async () => {
    await Promise.all([DEV, PROD].map(name => deleteNamespace(name)));
    await crds.createCustomResourceDefinition({ body: CRD }).catch(async e => {
      if (statusCode(e) !== 409) throw e;
      const live = await crds.readCustomResourceDefinition({
        name: CRD.metadata.name,
      });
      await crds.replaceCustomResourceDefinition({
        name: CRD.metadata.name,
        body: {
          ...CRD,
          metadata: {
            ...CRD.metadata,
            resourceVersion: live.metadata!.resourceVersion,
          },
        },
      });
    });
    await eventually('the claim CRD established', async () => {
      const crd = await crds.readCustomResourceDefinition({
        name: CRD.metadata.name,
      });
      return crd.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True',
      )
        ? true
        : undefined;
    });
    // a new CRD's storage answers 429 for a moment
    await eventually('the claim kind served', () =>
      custom.listClusterCustomObject({ ...CLAIM }).then(() => true),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-resources-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), catalog);
    server = await startIntegrationBackend({
      logs,
      auditorEvents,
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [
          { name: 'development', tier: 'development' },
          { name: 'production', tier: 'production' },
        ],
        resources: RESOURCES,
      },
    });
    for (const [name, type] of [
      [DEV, 'development'],
      [PROD, 'production'],
    ]) {
      await api()
        .post('/api/stagecraft/environments')
        .send({ name, type, owner: 'group:default/team-a' })
        .expect(201);
    }
    await eventually('the components in the catalog', async () => {
      const res = await api().get(
        '/api/catalog/entities/by-name/component/default/ghost',
      );
      return res.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    await Promise.all([DEV, PROD].map(name => deleteNamespace(name)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('development: the manifests driver makes a StatefulSet, Service and Secret; DATABASE_URL is a secretKeyRef', async () => {
    const res = await deploy('shop', {
      environment: DEV,
      workload: workload('shop', { db: { type: 'postgres' } }),
    });
    expect(res.status).toBe(201);
    // the deploy waited for the database, with progress
    expect(logs.join('\n')).toContain(
      'provisioning resource shop-db (postgres)',
    );
    expect(logs.join('\n')).toContain('resource shop-db ready');

    const sts = await apps.readNamespacedStatefulSet({
      name: 'shop-db',
      namespace: DEV,
    });
    expect(sts.status?.readyReplicas).toBe(1);
    const expectedLabels = {
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': DEV,
      'stagecraft.io/resource': 'shop-db',
      'stagecraft.io/resource-type': 'postgres',
    };
    expect(sts.metadata!.labels).toMatchObject(expectedLabels);
    expect(sts.metadata!.annotations).toMatchObject({
      'stagecraft.io/requested-by': 'component:default/shop',
    });
    const svc = await core.readNamespacedService({
      name: 'shop-db',
      namespace: DEV,
    });
    expect(svc.metadata!.labels).toMatchObject(expectedLabels);
    const secret = await core.readNamespacedSecret({
      name: 'shop-db',
      namespace: DEV,
    });
    expect(secret.metadata!.labels).toMatchObject(expectedLabels);
    const decoded = (k: string) =>
      Buffer.from(secret.data![k], 'base64').toString('utf8');
    const password = decoded('password');
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(decoded('uri')).toBe(
      `postgresql://app:${password}@shop-db.${DEV}.svc.cluster.local:5432/app`,
    );

    const deployment = await readDeployment('shop', DEV);
    expect(envVars(deployment)).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'shop-db', key: 'uri' } },
      },
    ]);
    expect(JSON.stringify(deployment)).not.toContain(password);
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(logs.join('\n')).not.toContain(password);

    const listed = await api().get(
      `/api/stagecraft/environments/${DEV}/resources`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        name: 'shop-db',
        type: 'postgres',
        driver: 'manifests',
        definition: 'postgres-in-namespace',
        objects: ['Secret/shop-db', 'Service/shop-db', 'StatefulSet/shop-db'],
        consumers: [
          expect.objectContaining({
            component: 'component:default/shop',
            resource: 'db',
            actor: 'user:default/mock',
          }),
        ],
        status: { ready: true },
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(password);
    expect(auditorEvents).toContainEqual(
      expect.objectContaining({
        eventId: 'resource-provision',
        outcome: 'succeeded',
      }),
    );

    // a second deploy keeps the password (the Secret is created only once)
    const again = await deploy('shop', {
      environment: DEV,
      workload: workload('shop', { db: { type: 'postgres' } }),
    });
    expect(again.status).toBe(201);
    const after = await core.readNamespacedSecret({
      name: 'shop-db',
      namespace: DEV,
    });
    expect(Buffer.from(after.data!.password, 'base64').toString()).toBe(
      password,
    );
  });

  it('two workloads sharing id shared-db get one database', async () => {
    const shared = { db: { type: 'postgres', id: 'shared-db' } };
    for (const c of ['orders', 'billing']) {
      const res = await deploy(c, {
        environment: DEV,
        workload: workload(c, shared),
      });
      expect(res.status).toBe(201);
    }
    const sets = await apps.listNamespacedStatefulSet({
      namespace: DEV,
      labelSelector: 'stagecraft.io/resource=shared-db',
    });
    expect(sets.items.map(s => s.metadata!.name)).toEqual(['shared-db']);
    expect(sets.items[0].metadata!.annotations).toMatchObject({
      'stagecraft.io/requested-by':
        'component:default/billing,component:default/orders',
    });
    for (const c of ['orders', 'billing']) {
      expect(envVars(await readDeployment(c, DEV))).toEqual([
        {
          name: 'DATABASE_URL',
          valueFrom: { secretKeyRef: { name: 'shared-db', key: 'uri' } },
        },
      ]);
    }
    const listed = await api().get(
      `/api/stagecraft/environments/${DEV}/resources`,
    );
    const sharedDb = listed.body.items.find((r: any) => r.name === 'shared-db');
    expect(sharedDb).toMatchObject({ id: 'shared-db' });
    expect(sharedDb.consumers.map((c: any) => c.component)).toEqual([
      'component:default/billing',
      'component:default/orders',
    ]);
  });

  it('production: the existing driver points at the pre-made Secret and creates nothing', async () => {
    await core.createNamespacedSecret({
      namespace: PROD,
      body: {
        metadata: { name: 'shop-db-credentials' },
        stringData: {
          host: 'db.prod.internal',
          uri: 'postgresql://app:made-by-dbas@db.prod.internal:5432/shop',
        },
      },
    });
    const res = await deploy('shop', {
      environment: PROD,
      workload: workload('shop', { db: { type: 'postgres' } }),
    });
    expect(res.status).toBe(201);
    expect(envVars(await readDeployment('shop', PROD))).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: {
          secretKeyRef: { name: 'shop-db-credentials', key: 'uri' },
        },
      },
    ]);
    expect(await labelled(PROD)).toEqual([]);
    const statefulSets = await apps.listNamespacedStatefulSet({
      namespace: PROD,
    });
    expect(statefulSets.items).toEqual([]);
    const listed = await api().get(
      `/api/stagecraft/environments/${PROD}/resources`,
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        name: 'shop-db',
        driver: 'existing',
        objects: [],
      }),
    ]);
  });

  it('an unknown type refuses the deploy, naming the type and environment, and applies nothing', async () => {
    const before = await labelled(DEV);
    const res = await deploy('ghost', {
      environment: DEV,
      workload: workload('ghost', { db: { type: 'mongodb' } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      `resources.db: no resource definition for type "mongodb" in environment "${DEV}" (environment type "development")`,
    );
    await expect(readDeployment('ghost', DEV)).rejects.toMatchObject({
      code: 404,
    });
    expect(await labelled(DEV)).toEqual(before);
    const history = await api().get(
      `/api/stagecraft/components/${encodeURIComponent(
        'component:default/ghost',
      )}/history?environment=${DEV}`,
    );
    expect(history.body.items).toEqual([]);
  });

  it('a resource template violating Pod Security refuses the deploy, naming the field; nothing is written or recorded', async () => {
    const before = await labelled(DEV);
    const audited = auditorEvents.length;
    const res = await deploy('ghost', {
      environment: DEV,
      workload: workload('ghost', { db: { type: 'cache' } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'StatefulSet/ghost-db.spec.template.spec.containers[0].securityContext.privileged',
    );
    expect(res.body.error.message).toContain(
      'would violate PodSecurity "restricted',
    );
    // no Secret first and StatefulSet refused after: nothing at all
    expect(await labelled(DEV)).toEqual(before);
    await expect(readDeployment('ghost', DEV)).rejects.toMatchObject({
      code: 404,
    });
    const history = await api().get(
      `/api/stagecraft/components/${encodeURIComponent(
        'component:default/ghost',
      )}/history?environment=${DEV}`,
    );
    expect(history.body.items).toEqual([]);
    expect(
      auditorEvents
        .slice(audited)
        .filter(
          e =>
            e.outcome === 'succeeded' && /deployment|resource/.test(e.eventId),
        ),
    ).toEqual([]);
  });

  it('claim: the deploy waits for the claim to be Ready, then reads outputs from its connection Secret', async () => {
    const pending = deploy('ledger', {
      environment: DEV,
      workload: workload('ledger', {
        db: {
          type: 'postgres',
          class: 'crossplane',
          params: { storageGB: 50 },
        },
      }),
    }).then(r => r);
    let finished: request.Response | undefined;
    pending.then(r => {
      finished = r;
    });
    // the "provider": sees the claim, writes the connection Secret, reports Ready
    const claim = await eventually('the claim', async () => {
      if (finished) {
        throw new Error(
          `deploy ended early: ${finished.status} ${JSON.stringify(
            finished.body,
          )}`,
        );
      }
      return custom
        .getNamespacedCustomObject({
          ...CLAIM,
          namespace: DEV,
          name: 'ledger-db',
        })
        .catch(() => undefined);
    });
    expect(claim.spec).toEqual({
      parameters: { storageGB: 50 },
      writeConnectionSecretToRef: { name: 'ledger-db-conn' },
    });
    expect(claim.metadata.labels).toMatchObject({
      'stagecraft.io/resource': 'ledger-db',
      'stagecraft.io/environment': DEV,
    });
    await core.createNamespacedSecret({
      namespace: DEV,
      body: {
        metadata: { name: 'ledger-db-conn' },
        stringData: { endpoint: 'pg.cloud.example', uri: 'postgresql://x' },
      },
    });
    await custom.replaceNamespacedCustomObjectStatus({
      ...CLAIM,
      namespace: DEV,
      name: 'ledger-db',
      body: {
        ...claim,
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Available',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      },
    });
    const res = await pending;
    expect(res.status).toBe(201);
    expect(envVars(await readDeployment('ledger', DEV))).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'ledger-db-conn', key: 'uri' } },
      },
    ]);
  });

  it('deleting the environment deprovisions everything: no labelled object is left', async () => {
    expect(await labelled(DEV)).toEqual([
      'PostgreSQLInstance/ledger-db',
      'Secret/shared-db',
      'Secret/shop-db',
      'Service/shared-db',
      'Service/shop-db',
      'StatefulSet/shared-db',
      'StatefulSet/shop-db',
    ]);
    await api().delete(`/api/stagecraft/environments/${DEV}`).expect(204);
    expect(await labelled(DEV)).toEqual([]);
    await expect(core.readNamespace({ name: DEV })).rejects.toMatchObject({
      code: 404,
    });
    const listed = await api().get(
      `/api/stagecraft/environments/${DEV}/resources`,
    );
    expect(listed.status).toBe(404);
    const audit = await api().get(`/api/stagecraft/environments/${DEV}/audit`);
    expect(
      audit.body.items
        .filter((e: any) => e.action === 'resource.deprovision')
        .map((e: any) => `${e.details.resource} ${e.outcome}`),
    ).toEqual([
      'ledger-db succeeded',
      'shared-db succeeded',
      'shop-db succeeded',
    ]);
  });
});
