import type {
  DeploymentRevision,
  Release,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  DeploymentStore,
  EnvironmentRecord,
  EnvironmentStore,
  PodMetrics,
  PodResources,
  UsageSource,
} from '../ports';
import type { DeploymentService } from '../deployments/DeploymentService';
import { OperationsService } from './OperationsService';
import { cpuCores } from './quantity';

const MI = 1024 ** 2;
const ENV: EnvironmentRecord = {
  name: 'shop-dev',
  type: 'development',
  tier: 'development',
  cluster: 'local',
  namespace: 'shop-dev',
  owner: 'group:default/shop',
  quota: { cpu: '2', memory: '4Gi', pods: 20 },
  phase: 'Ready',
  createdBy: 'user:default/ann',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const RELEASE = {
  id: 'r1',
  workload: {
    containers: {
      main: {
        image: 'shop:1',
        resources: {
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { cpu: '200m', memory: '128Mi' },
        },
      },
    },
  },
} as unknown as Release;
const REVISION = {
  component: 'component:default/shop',
  environment: 'shop-dev',
  revision: 1,
  releaseId: 'r1',
  action: 'deploy',
  replicas: 3,
  kubernetesId: 'shop',
} as DeploymentRevision;

const pod = (
  name: string,
  workload: PodResources['workload'],
  cpu: number,
  memory: number,
  kubernetesId?: string,
): PodResources => ({
  name,
  workload,
  ...(kubernetesId && { kubernetesId }),
  requests: { cpu, memory },
  limits: { cpu: cpu * 2, memory: memory * 2 },
});

// what the namespace holds: Stagecraft's 3 pods and a provisioned
// database's StatefulSet of 2 (5 pods, 500m as the ResourceQuota counts)
const PODS: PodResources[] = [
  ...[1, 2, 3].map(i =>
    pod(
      `shop-7d9-${i}`,
      { kind: 'Deployment', name: 'shop' },
      0.1,
      64 * MI,
      'shop',
    ),
  ),
  pod('db-0', { kind: 'StatefulSet', name: 'db' }, 0.1, 256 * MI),
  pod('db-1', { kind: 'StatefulSet', name: 'db' }, 0.1, 256 * MI),
];

/** The UsageSource port, faked: fixed pods and a metrics answer. */
function fakeSource(metrics: PodMetrics | Error): UsageSource & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    async pods(cluster, namespace) {
      calls.push(`pods ${cluster}/${namespace}`);
      return PODS;
    },
    async podMetrics(cluster, namespace) {
      calls.push(`metrics ${cluster}/${namespace}`);
      if (metrics instanceof Error) throw metrics;
      return metrics;
    },
  };
}

function service(usage?: UsageSource) {
  const store = {
    listCurrentIn: async () => [REVISION],
    getRelease: async () => RELEASE,
  } as unknown as DeploymentStore;
  const environments = {
    getEnvironment: async (name: string) =>
      name === ENV.name ? ENV : undefined,
  } as unknown as EnvironmentStore;
  return new OperationsService({
    deployments: {} as DeploymentService,
    store,
    environments,
    authorizer: { authorize: async () => [true] },
    auditor: { record: async () => undefined },
    clock: { now: () => new Date(), sleep: async () => undefined },
    types: [],
    prices: { currency: 'EUR', cpuHour: 0.04, memoryGiBHour: 0.005 },
    ...(usage && { usage }),
  });
}

const actor = { ref: 'user:default/ann' };
const served: PodMetrics = {
  served: true,
  pods: [
    { name: 'shop-7d9-1', cpu: 0.012, memory: 20 * MI },
    { name: 'shop-7d9-2', cpu: 0.008, memory: 22 * MI },
    // shop-7d9-3 just started: not scraped yet
    { name: 'db-0', cpu: 0.05, memory: 100 * MI },
    { name: 'db-1', cpu: 0.03, memory: 90 * MI },
    // finished or from another namespace: not counted
    { name: 'gone', cpu: 5, memory: 5000 * MI },
  ],
};

describe('usage of an environment', () => {
  it('counts everything in the namespace that requests resources, StatefulSets included', async () => {
    const source = fakeSource(served);
    const usage = await service(source).usage(actor, 'shop-dev');
    expect(source.calls).toEqual([
      'pods local/shop-dev',
      'metrics local/shop-dev',
    ]);
    // 5 pods and 500m, as the ResourceQuota shows (not 3 / 0.3)
    expect(usage.pods).toBe(5);
    expect(usage.requests).toEqual({
      cpu: 0.5,
      memory: 3 * 64 * MI + 512 * MI,
    });
    expect(usage.limits.cpu).toBe(1);
    expect(usage.workloads).toEqual([
      {
        kind: 'Deployment',
        name: 'shop',
        component: 'component:default/shop',
        pods: 3,
        requests: { cpu: 0.3, memory: 192 * MI },
        limits: { cpu: 0.6, memory: 384 * MI },
        actual: { cpu: 0.02, memory: 42 * MI },
      },
      {
        kind: 'StatefulSet',
        name: 'db',
        pods: 2,
        requests: { cpu: 0.2, memory: 512 * MI },
        limits: { cpu: 0.4, memory: 1024 * MI },
        actual: { cpu: 0.08, memory: 190 * MI },
      },
    ]);
  });

  it('gives actual usage per workload, per component and in total, and its cost next to the requested', async () => {
    const usage = await service(fakeSource(served)).usage(actor, 'shop-dev');
    expect(usage.metrics).toEqual({ available: true });
    expect(usage.actual).toEqual({ cpu: 0.1, memory: 232 * MI });
    expect(usage.components).toEqual([
      expect.objectContaining({
        component: 'component:default/shop',
        replicas: 3,
        requests: { cpu: 0.3, memory: 192 * MI },
        actual: { cpu: 0.02, memory: 42 * MI },
      }),
    ]);
    const month = (cpu: number, bytes: number) =>
      Math.round((cpu * 0.04 + (bytes / 1024 ** 3) * 0.005) * 730 * 100) / 100;
    expect(usage.estimate).toEqual({
      currency: 'EUR',
      monthly: month(0.5, 704 * MI),
      actualMonthly: month(0.1, 232 * MI),
    });
  });

  it('says in one field why actual usage is unknown when the cluster has no metrics API', async () => {
    const reason =
      'cluster local does not serve the metrics API (metrics.k8s.io); install metrics-server for actual usage';
    const usage = await service(fakeSource({ served: false, reason })).usage(
      actor,
      'shop-dev',
    );
    expect(usage.metrics).toEqual({ available: false, reason });
    expect(usage.actual).toBeUndefined();
    expect(usage.estimate?.actualMonthly).toBeUndefined();
    expect(usage.workloads?.every(w => w.actual === undefined)).toBe(true);
    // requests are still the namespace's
    expect(usage.pods).toBe(5);
  });

  it('reports a failing metrics call as the reason, without failing the usage', async () => {
    const usage = await service(
      fakeSource(new Error('cluster local unavailable: ECONNRESET')),
    ).usage(actor, 'shop-dev');
    expect(usage.metrics).toEqual({
      available: false,
      reason: 'cluster local unavailable: ECONNRESET',
    });
    expect(usage.requests.cpu).toBe(0.5);
  });

  it('falls back to what Stagecraft deployed when the cluster cannot list the pods', async () => {
    const down: UsageSource = {
      pods: async () => {
        throw new Error('cluster local unavailable: ECONNREFUSED');
      },
      podMetrics: async () => ({ served: true, pods: [] }),
    };
    const usage = await service(down).usage(actor, 'shop-dev');
    expect(usage).toMatchObject({
      pods: 3,
      requests: { cpu: 0.3, memory: 192 * MI },
      metrics: {
        available: false,
        reason: 'cluster local unavailable: ECONNREFUSED',
      },
    });
    expect(usage.workloads).toBeUndefined();
  });

  it('says so without a usage source (a replaced cluster gateway)', async () => {
    const usage = await service().usage(actor, 'shop-dev');
    expect(usage.pods).toBe(3);
    expect(usage.metrics).toMatchObject({ available: false });
  });
});

describe('cpuCores', () => {
  it('reads the metrics API nanocores and microcores', () => {
    expect(cpuCores('1500000n')).toBeCloseTo(0.0015, 12);
    expect(cpuCores('250u')).toBeCloseTo(0.00025, 12);
    expect(cpuCores('100m')).toBe(0.1);
    expect(cpuCores('2')).toBe(2);
    expect(cpuCores('2x')).toBeUndefined();
  });
});
