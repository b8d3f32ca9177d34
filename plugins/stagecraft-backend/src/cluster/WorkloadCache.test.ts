import { mockServices } from '@backstage/backend-test-utils';
import {
  projectDeployment,
  projectPod,
  projectReplicaSet,
  WorkloadCache,
  WorkloadIndex,
} from './WorkloadCache';
import type { ReflectorTransport } from './Reflector';
import {
  cachedDeploymentStatus,
  deploymentStatus,
} from '../domain/deployments/status';

const ID = 'backstage.io/kubernetes-id';

const rawDeployment = (name = 'svc', ns = 'dev', extra: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: ns,
    generation: 2,
    resourceVersion: '100',
    uid: 'u-1',
    managedFields: [{ manager: 'stagecraft', fieldsV1: { big: true } }],
    labels: {
      [ID]: name,
      'app.kubernetes.io/managed-by': 'stagecraft',
      'app.kubernetes.io/name': name,
    },
    annotations: {
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(2000),
    },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: {
        labels: { app: name },
        annotations: { 'stagecraft.io/release': 'r-0123456789ab' },
      },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'registry.example.com/svc:1',
            env: [{ name: 'A', value: 'b' }],
            resources: { limits: { cpu: '1' } },
          },
        ],
      },
    },
  },
  status: {
    observedGeneration: 2,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    conditions: [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        lastUpdateTime: '2026-01-01T00:00:00Z',
      },
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    ],
  },
  ...extra,
});

const rawReplicaSet = (name = 'svc', ns = 'dev') => ({
  metadata: {
    name: `${name}-abc`,
    namespace: ns,
    labels: { [ID]: name, 'pod-template-hash': 'abc', other: 'x' },
    annotations: { 'deployment.kubernetes.io/revision': '3', other: 'y' },
    ownerReferences: [{ kind: 'Deployment', name }],
  },
  spec: { replicas: 2, template: { spec: { containers: [] } } },
  status: { replicas: 2 },
});

const rawPod = (
  podName: string,
  opts: {
    id?: string;
    ns?: string;
    ready?: boolean;
    waiting?: string;
    phase?: string;
  } = {},
) => ({
  metadata: {
    name: podName,
    namespace: opts.ns ?? 'dev',
    resourceVersion: '7',
    labels: { [ID]: opts.id ?? 'svc', 'pod-template-hash': 'abc', app: 'x' },
    annotations: { a: 'b' },
  },
  spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'i' }] },
  status: {
    phase: opts.phase ?? 'Running',
    podIP: '10.0.0.1',
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: opts.ready === false ? 'False' : 'True' },
    ],
    containerStatuses: [
      {
        name: 'main',
        image: 'i',
        imageID: 'sha',
        ready: true,
        state: opts.waiting
          ? { waiting: { reason: opts.waiting, message: 'pulling' } }
          : { running: { startedAt: '2026-01-01T00:00:00Z' } },
      },
    ],
  },
});

describe('projections', () => {
  it('keep exactly what the status derivation reads', () => {
    const d = projectDeployment(rawDeployment());
    expect(d).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'svc',
        namespace: 'dev',
        generation: 2,
        labels: { [ID]: 'svc' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
      spec: {
        replicas: 2,
        template: {
          metadata: {
            annotations: { 'stagecraft.io/release': 'r-0123456789ab' },
          },
          spec: { containers: [{ image: 'registry.example.com/svc:1' }] },
        },
      },
      status: {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
          },
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
          },
        ],
      },
    });
    expect(projectReplicaSet(rawReplicaSet())).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'svc-abc',
        namespace: 'dev',
        labels: { [ID]: 'svc', 'pod-template-hash': 'abc' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
    });
    expect(projectPod(rawPod('p1', { waiting: 'ImagePullBackOff' }))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      // the containers the Logs view can read
      logContainers: [{ name: 'main', restartCount: 0, hasPrevious: false }],
      metadata: {
        name: 'p1',
        namespace: 'dev',
        labels: { [ID]: 'svc', 'pod-template-hash': 'abc' },
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            state: {
              waiting: { reason: 'ImagePullBackOff', message: 'pulling' },
            },
          },
        ],
      },
    });
    expect(projectPod(rawPod('p2')).status).toEqual({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
    });
  });

  it('give the same status as the full objects', () => {
    const cases = [
      { pods: [rawPod('p1'), rawPod('p2')] },
      { pods: [rawPod('p1', { waiting: 'ImagePullBackOff' })] },
      { pods: [rawPod('p1', { ready: false, phase: 'Pending' })] },
    ];
    for (const c of cases) {
      const full = {
        deployment: rawDeployment() as any,
        replicaSets: [rawReplicaSet() as any],
        pods: c.pods as any[],
      };
      const projected = {
        deployment: projectDeployment(full.deployment),
        replicaSets: full.replicaSets.map(r => projectReplicaSet(r)),
        pods: full.pods.map(p => projectPod(p)),
      };
      expect(deploymentStatus(projected)).toEqual(deploymentStatus(full));
    }
  });

  it('share repeated strings', () => {
    const a = projectPod(rawPod('p1', { ns: `ns-${'x'.repeat(20)}` }));
    const b = projectPod(rawPod('p2', { ns: `ns-${'x'.repeat(20)}` }));
    expect(a.metadata.namespace).toBe(b.metadata.namespace);
  });
});

describe('WorkloadIndex', () => {
  const pod = (name: string, id = 'svc', ns = 'dev') =>
    projectPod(rawPod(name, { id, ns }));

  it('answers by namespace and kubernetes-id with one shared, frozen snapshot until something changes', () => {
    const index = new WorkloadIndex();
    index.upsert('deployments', projectDeployment(rawDeployment()));
    index.upsert('replicasets', projectReplicaSet(rawReplicaSet()));
    index.upsert('pods', pod('p1'));
    index.upsert('pods', pod('p2'));
    index.upsert('pods', pod('other', 'api'));
    index.upsert('pods', pod('p3', 'svc', 'prod'));
    const first = index.observe('dev', 'svc');
    expect(first.deployment?.metadata.name).toBe('svc');
    expect(first.pods.map(p => p.metadata.name).sort()).toEqual(['p1', 'p2']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.pods)).toBe(true);
    // no allocation per read
    expect(index.observe('dev', 'svc')).toBe(first);
    // a change elsewhere leaves it alone; a change here replaces it
    index.upsert('pods', pod('other2', 'api'));
    expect(index.observe('dev', 'svc')).toBe(first);
    index.upsert('pods', pod('p1'));
    const second = index.observe('dev', 'svc');
    expect(second).not.toBe(first);
    expect(second.pods).toHaveLength(2);
    expect(index.observe('nowhere', 'svc')).toEqual({
      deployment: undefined,
      replicaSets: [],
      pods: [],
    });
    expect(index.size()).toEqual({ deployments: 1, replicasets: 1, pods: 5 });
  });

  it('moves an object whose kubernetes-id changes and forgets deleted ones', () => {
    const index = new WorkloadIndex();
    expect(index.upsert('pods', pod('p1', 'a'))).toEqual([['dev', 'a']]);
    expect(index.upsert('pods', pod('p1', 'a'))).toEqual([['dev', 'a']]);
    expect(index.upsert('pods', pod('p1', 'b'))).toEqual([
      ['dev', 'a'],
      ['dev', 'b'],
    ]);
    expect(index.observe('dev', 'a').pods).toHaveLength(0);
    expect(index.observe('dev', 'b').pods).toHaveLength(1);
    expect(index.remove('pods', pod('p1', 'b'))).toEqual([['dev', 'b']]);
    expect(index.remove('pods', pod('p1', 'b'))).toEqual([]);
    expect(index.size().pods).toBe(0);
    // unlabelled objects are not indexed
    const unlabelled = projectPod(rawPod('x'));
    delete unlabelled.metadata.labels![ID];
    expect(index.upsert('pods', unlabelled)).toEqual([]);
    expect(index.size().pods).toBe(0);
  });

  it('replaces a kind after a relist, reporting every scope that changed', () => {
    const index = new WorkloadIndex();
    index.replace('pods', [pod('p1', 'a'), pod('p2', 'b')]);
    const touched = index.replace('pods', [pod('p2', 'b'), pod('p3', 'c')]);
    expect(touched.map(t => t.join('/')).sort()).toEqual([
      'dev/a',
      'dev/b',
      'dev/c',
    ]);
    expect(index.observe('dev', 'a').pods).toHaveLength(0);
    expect(index.size().pods).toBe(2);
  });

  it('lets the status be derived once per snapshot', () => {
    const index = new WorkloadIndex();
    index.upsert('deployments', projectDeployment(rawDeployment()));
    const snapshot = index.observe('dev', 'svc');
    const status = cachedDeploymentStatus(snapshot);
    expect(cachedDeploymentStatus(snapshot)).toBe(status);
    // objects built by a caller are derived every time
    const plain = { replicaSets: [], pods: [] };
    expect(cachedDeploymentStatus(plain)).not.toBe(
      cachedDeploymentStatus(plain),
    );
  });
});

describe('WorkloadCache', () => {
  it('syncs every cluster, serves reads from memory and reports changes', async () => {
    const watches = new Map<string, (type: string, o: any) => void>();
    const lists: string[] = [];
    const transport: ReflectorTransport = {
      async list(path) {
        lists.push(path);
        let items: unknown[] = [rawPod('p1'), rawPod('p2')];
        if (path.endsWith('/deployments')) items = [rawDeployment()];
        if (path.endsWith('/replicasets')) items = [rawReplicaSet()];
        return { items, metadata: { resourceVersion: '1' } };
      },
      async watch(path, _q, onEvent) {
        watches.set(path, onEvent);
        return () => undefined;
      },
    };
    const cache = new WorkloadCache({
      clusters: [{ name: 'c1', transport }],
      logger: mockServices.logger.mock(),
    });
    await cache.start();
    expect(cache.syncedAt('c1')).toBeInstanceOf(Date);
    expect(lists.every(p => p)).toBe(true);
    const listed = lists.length;
    const changes: string[] = [];
    cache.subscribe(c =>
      changes.push(`${c.cluster}/${c.namespace}/${c.kubernetesId}`),
    );
    const before = cache.observe('c1', 'dev', 'svc');
    expect(cachedDeploymentStatus(before).pods).toMatchObject({
      total: 2,
      ready: 2,
    });
    for (let i = 0; i < 100; i++) cache.observe('c1', 'dev', 'svc');
    expect(lists.length).toBe(listed);
    // a pod turns unready
    watches.get('/api/v1/pods')!('MODIFIED', rawPod('p2', { ready: false }));
    expect(changes).toEqual(['c1/dev/svc']);
    const after = cache.observe('c1', 'dev', 'svc');
    expect(after).not.toBe(before);
    expect(cachedDeploymentStatus(after).pods.ready).toBe(1);
    watches.get('/api/v1/pods')!('DELETED', rawPod('p2'));
    expect(cache.observe('c1', 'dev', 'svc').pods).toHaveLength(1);
    expect(cache.stats().c1.objects).toEqual({
      deployments: 1,
      replicasets: 1,
      pods: 1,
    });
    expect(cache.observe('unknown', 'dev', 'svc').pods).toEqual([]);
    await cache.stop();
  });

  it('names a cluster whose credentials are refused while they are, and recovers when they are renewed', async () => {
    let refused = true;
    const transport: ReflectorTransport = {
      async list(path) {
        if (refused) {
          throw Object.assign(new Error(`LIST ${path}: 401 Unauthorized`), {
            statusCode: 401,
          });
        }
        return { items: [], metadata: { resourceVersion: '1' } };
      },
      async watch() {
        return () => undefined;
      },
    };
    const cache = new WorkloadCache({
      clusters: [
        { name: 'c1', transport },
        {
          name: 'c2',
          transport: { ...transport, list: async () => ({ items: [] }) },
        },
      ],
      logger: mockServices.logger.mock(),
      initialBackoffMs: 5,
    });
    await cache.start();
    expect(cache.clusterError('c1')).toMatch(
      /^cluster c1: credentials refused \(401 Unauthorized\) — /,
    );
    expect(cache.clusterError('c2')).toBeUndefined();
    expect(cache.syncedAt('c1')).toBeUndefined();
    // renewed: the next relist of each kind clears it
    refused = false;
    await waitFor(() => cache.syncedAt('c1') !== undefined);
    expect(cache.clusterError('c1')).toBeUndefined();
    // a dropped cluster has no error either
    cache.removeCluster('c1');
    expect(cache.clusterError('c1')).toBeUndefined();
    await cache.stop();
  });

  it('says what else keeps a cluster from being read (forbidden, unreachable)', async () => {
    const failing = (err: Error): ReflectorTransport => ({
      list: async () => {
        throw err;
      },
      watch: async () => () => undefined,
    });
    const cache = new WorkloadCache({
      clusters: [
        {
          name: 'c1',
          transport: failing(
            Object.assign(new Error('no'), { statusCode: 403 }),
          ),
        },
        {
          name: 'c2',
          transport: failing(
            Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
              code: 'ECONNREFUSED',
            }),
          ),
        },
      ],
      logger: mockServices.logger.mock(),
      initialBackoffMs: 60_000,
    });
    await cache.start();
    expect(cache.clusterError('c1')).toMatch(
      /^cluster c1: .*\(403 Forbidden\) — apply docs\/manifests\/stagecraft-rbac.yaml/,
    );
    expect(cache.clusterError('c2')).toBe(
      'cluster c2 unavailable: connect ECONNREFUSED 127.0.0.1:1',
    );
    await cache.stop();
  });
});

/** Resolves once `condition` holds (checked every few ms). */
async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 5));
  }
}
