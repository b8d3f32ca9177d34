// The cluster seam (issue 20): a backend module replaces the cluster gateway
// through stagecraft-node's extension point, and what the backend builds on
// the gateway — deploys, the watch cache's live status, the namespace feed's
// catalog ingestion — keeps working, on the real local control plane.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type {
  ClusterGateway,
  ClusterWatchTransport,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';
import { clusterGatewayModule } from './__testUtils__/gatewayModule';
import { KubernetesClusterGateway } from './cluster/KubernetesClusterGateway';

jest.setTimeout(180_000);

const ENV = 'seam-dev';
const COMPONENT = encodeURIComponent('component:default/seam');
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: seam
  annotations:
    stagecraft.io/workload: ./seam.score.yaml
    backstage.io/kubernetes-id: seam
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;
const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: seam
containers:
  main:
    image: registry.example.com/acme/seam:1.0.0
`;

/**
 * A gateway of another module: a plain object (not the backend's class)
 * delegating to a Kubernetes gateway of its own, counting what it is asked.
 */
function foreignGateway() {
  const sc = kubeconfig('stagecraft');
  const inner = new KubernetesClusterGateway([
    {
      name: 'local',
      url: sc.getCurrentCluster()!.server,
      serviceAccountToken: sc.getCurrentUser()!.token!,
      caData: sc.getCurrentCluster()!.caData!,
      skipTLSVerify: false,
    },
  ]);
  const calls: Record<string, number> = {};
  const counted =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls[name] = (calls[name] ?? 0) + 1;
      return fn(...args);
    };
  const gateway: ClusterGateway = {
    listClusters: () => inner.listClusters(),
    probe: counted('probe', (c, o) => inner.probe(c, o)),
    apply: counted('apply', (c, o, opts) => inner.apply(c, o, opts)),
    applyWithWarnings: counted('applyWithWarnings', (c, o, opts) =>
      inner.applyWithWarnings(c, o, opts),
    ),
    mergePatch: counted('mergePatch', (c, r, p) => inner.mergePatch(c, r, p)),
    get: counted('get', (c, r) => inner.get(c, r)),
    delete: counted('delete', (c, r) => inner.delete(c, r)),
    create: counted('create', (c, o) => inner.create(c, o)),
    kindScope: counted('kindScope', (c, v, k) => inner.kindScope(c, v, k)),
    watchTransport: counted(
      'watchTransport',
      (c): ClusterWatchTransport => inner.watchTransport(c),
    ),
  };
  return { gateway, calls };
}

describe('a cluster gateway replaced by a backend module', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const foreign = foreignGateway();
  const api = () => request(server);

  beforeAll(async () => {
    await deleteNamespace(ENV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-seam-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'seam.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      // the backend's own clusters config is not used: the module's gateway is
      stagecraft: {
        clusters: [],
        environmentTypes: [{ name: 'development', tier: 'development' }],
      },
      features: [clusterGatewayModule(foreign.gateway)],
    });
  });

  afterAll(async () => {
    await deleteNamespace(ENV);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves health, environments, deploys, live status and catalog ingestion through it', async () => {
    const health = await api().get('/api/stagecraft/health').expect(200);
    expect(health.body.clusters).toEqual([
      expect.objectContaining({ name: 'local', reachable: true }),
    ]);
    // the watch cache and the namespace feed read the cluster through the
    // module's transport, asked for once per cluster
    expect(foreign.calls.watchTransport).toBe(1);

    await api()
      .post('/api/stagecraft/environments')
      .send({ name: ENV, type: 'development', owner: 'group:default/team-a' })
      .expect(201);
    // the namespace feed → events → the catalog module
    const entity = await eventually(`${ENV} in the catalog`, async () => {
      const res = await api().get(
        '/api/catalog/entities?filter=kind=environment',
      );
      return res.body.find?.((e: any) => e.metadata.name === ENV);
    });
    expect(entity.spec).toMatchObject({ cluster: 'local', namespace: ENV });

    await eventually('the component in the catalog', async () =>
      (
        await api().get('/api/catalog/entities/by-name/component/default/seam')
      ).status === 200
        ? true
        : undefined,
    );
    const deployed = await api()
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: ENV })
      .expect(201);
    expect(foreign.calls.applyWithWarnings).toBeGreaterThan(0);
    // the watch cache, fed through the module's transport, sees the rollout
    const status = await eventually('the rollout complete', async () => {
      const res = await api().get(
        `/api/stagecraft/components/${COMPONENT}/deployments`,
      );
      const d = res.body.items.find((i: any) => i.environment === ENV);
      return d?.status.phase === 'complete' ? d.status : undefined;
    });
    expect(status).toMatchObject({
      release: deployed.body.release.id,
      replicas: { desired: 1, available: 1 },
    });
  });
});
