// Actual usage on the real control plane: metrics-server (fed by kwok's
// simulated resource metrics) serves metrics.k8s.io through the aggregation
// layer, Stagecraft's identity may read it, and the usage endpoint counts
// everything in the namespace (a StatefulSet too) with actual next to
// requested.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const ENV = 'usage-dev';
const MI = 1024 ** 2;
const C = encodeURIComponent('component:default/usage-app');
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: usage-app
containers:
  main:
    image: registry.example.com/acme/usage-app:1.0.0
    resources:
      requests: { cpu: 100m, memory: 64Mi }
      limits: { cpu: 200m, memory: 128Mi }
`;
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: usage-app
  annotations:
    stagecraft.io/workload: ./usage-app.score.yaml
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

/**
 * A StatefulSet as a provisioned database would be: not Stagecraft's
 * component, but it counts against the quota. kwok reports the usage of its
 * annotations (kwok.x-k8s.io/usage-cpu|memory).
 */
const DATABASE: V1StatefulSet = {
  metadata: { name: 'usage-db', namespace: ENV },
  spec: {
    serviceName: 'usage-db',
    replicas: 1,
    selector: { matchLabels: { app: 'usage-db' } },
    template: {
      metadata: {
        labels: { app: 'usage-db' },
        annotations: {
          'kwok.x-k8s.io/usage-cpu': '40m',
          'kwok.x-k8s.io/usage-memory': '50Mi',
        },
      },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'db',
            image: 'registry.example.com/acme/db:1',
            resources: {
              requests: { cpu: '100m', memory: '256Mi' },
              limits: { cpu: '200m', memory: '512Mi' },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
    },
  },
};

type PodMetrics = {
  metadata: { name: string };
  containers: Array<{ name: string; usage: { cpu: string; memory: string } }>;
};

describe('actual usage from metrics.k8s.io on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const call = (method: 'get' | 'post', p: string, body?: object) => {
    const r = request(server)
      [method](`/api/stagecraft${p}`)
      .set('Authorization', as('alice'));
    return body ? r.send(body) : r;
  };

  beforeAll(async () => {
    await deleteNamespace(ENV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-usage-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'usage-app.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      groups: { 'user:default/alice': ['group:default/team-a'] },
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        cost: { currency: 'EUR', cpuHour: 0.04, memoryGiBHour: 0.005 },
        environmentTypes: [{ name: 'development', tier: 'development' }],
      },
    });
    await call('post', '/environments', {
      name: ENV,
      type: 'development',
      owner: 'group:default/team-a',
    }).expect(201);
    await eventually('the component in the catalog', async () =>
      (
        await request(server).get(
          '/api/catalog/entities/by-name/component/default/usage-app',
        )
      ).status === 200
        ? true
        : undefined,
    );
    await call('post', `/components/${C}/deploy`, {
      environment: ENV,
    }).expect(201);
    await kubeconfig('admin')
      .makeApiClient(AppsV1Api)
      .createNamespacedStatefulSet({ namespace: ENV, body: DATABASE });
  });

  afterAll(async () => {
    await deleteNamespace(ENV);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves a kwok pod's simulated usage to Stagecraft's identity", async () => {
    const metrics = kubeconfig('stagecraft').makeApiClient(CustomObjectsApi);
    const pod = (await eventually(
      'metrics of usage-db-0',
      () =>
        metrics
          .getNamespacedCustomObject({
            group: 'metrics.k8s.io',
            version: 'v1beta1',
            namespace: ENV,
            plural: 'pods',
            name: 'usage-db-0',
          })
          .then(p => p as PodMetrics),
      120_000,
    )) as PodMetrics;
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].name).toBe('db');
    // a rate of kwok's cumulative counter: about the annotated 40m
    const cpu =
      parseFloat(pod.containers[0].usage.cpu) /
      (pod.containers[0].usage.cpu.endsWith('n') ? 1e9 : 1e3);
    expect(cpu).toBeGreaterThan(0.03);
    expect(cpu).toBeLessThan(0.05);
    expect(pod.containers[0].usage.memory).toMatch(/^(51200Ki|50Mi|52428800)$/);
    // the list the stock Kubernetes tab asks for
    const list = (await metrics.listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: ENV,
      plural: 'pods',
    })) as { items: PodMetrics[] };
    expect(list.items.map(i => i.metadata.name)).toContain('usage-db-0');
  });

  it('counts the StatefulSet like the ResourceQuota does, with actual usage next to requests', async () => {
    const usage = await eventually(
      'usage with actual values of both workloads',
      async () => {
        const res = await call('get', `/environments/${ENV}/usage`).expect(200);
        return res.body.workloads?.length === 2 &&
          res.body.workloads.every((w: { actual?: unknown }) => w.actual)
          ? res.body
          : undefined;
      },
      120_000,
    );
    expect(usage).toMatchObject({
      pods: 2,
      requests: { cpu: 0.2, memory: 320 * MI },
      limits: { cpu: 0.4, memory: 640 * MI },
      metrics: { available: true },
    });
    const [app, db] = usage.workloads;
    expect(app).toMatchObject({
      kind: 'Deployment',
      name: 'usage-app',
      component: 'component:default/usage-app',
      pods: 1,
    });
    expect(db).toMatchObject({
      kind: 'StatefulSet',
      name: 'usage-db',
      pods: 1,
      requests: { cpu: 0.1, memory: 256 * MI },
      actual: { memory: 50 * MI },
    });
    expect(db.actual.cpu).toBeGreaterThan(0.03);
    expect(db.actual.cpu).toBeLessThan(0.05);
    // kwok's default for unannotated pods: 1m and 1Mi per container
    expect(app.actual.memory).toBe(1 * MI);
    expect(usage.components[0].actual).toEqual(app.actual);
    expect(usage.actual.memory).toBe(51 * MI);
    expect(usage.estimate.actualMonthly).toBeGreaterThan(0);
    expect(usage.estimate.actualMonthly).toBeLessThan(usage.estimate.monthly);

    // the same totals as the namespace's ResourceQuota
    const [quota] = (
      await kubeconfig('admin')
        .makeApiClient(CoreV1Api)
        .listNamespacedResourceQuota({ namespace: ENV })
    ).items;
    expect(quota.status?.used).toMatchObject({
      pods: '2',
      'requests.cpu': '200m',
      'requests.memory': '320Mi',
    });
  });
});
