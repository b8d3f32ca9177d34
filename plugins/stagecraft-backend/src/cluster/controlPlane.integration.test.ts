// Integration suite against the real local control plane of dev/cluster
// (scripts/test.sh brings it up and sets STAGECRAFT_CLUSTER_STATE).
import { AppsV1Api, CoreV1Api, V1Deployment } from '@kubernetes/client-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KubernetesClusterGateway } from './KubernetesClusterGateway';
import {
  eventually,
  kubeconfig,
  statusCode,
} from '../__testUtils__/integration';

const state =
  process.env.STAGECRAFT_CLUSTER_STATE ??
  path.resolve(__dirname, '../../../../dev/cluster/state');

jest.setTimeout(180_000);

describe('the local control plane', () => {
  const admin = kubeconfig('admin');
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const namespace = `it-${crypto.randomBytes(3).toString('hex')}`;

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('has a Ready fake node', async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter(n =>
      n.status?.conditions?.some(
        c => c.type === 'Ready' && c.status === 'True',
      ),
    );
    expect(ready.length).toBeGreaterThanOrEqual(1);
  });

  it('runs a Deployment to 3 available replicas, scales it, and deletes its namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const deployment: V1Deployment = {
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    };
    await apps.createNamespacedDeployment({ namespace, body: deployment });

    const available = (n: number) =>
      eventually(
        `${n} available replicas`,
        async () => {
          const d = await apps.readNamespacedDeployment({
            name: 'web',
            namespace,
          });
          return d.status?.availableReplicas === n ? d : undefined;
        },
        90_000,
      );
    await available(3);
    const pods = await core.listNamespacedPod({ namespace });
    expect(pods.items.filter(p => p.status?.phase === 'Running')).toHaveLength(
      3,
    );

    const current = await apps.readNamespacedDeployment({
      name: 'web',
      namespace,
    });
    current.spec!.replicas = 1;
    await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace,
      body: current,
    });
    await available(1);
    await eventually(
      'pods scaled down to 1',
      async () => {
        const list = await core.listNamespacedPod({ namespace });
        return list.items.length === 1 ? list : undefined;
      },
      90_000,
    );

    await core.deleteNamespace({ name: namespace });
    // the namespace controller finalises it and it disappears
    const gone = await eventually(
      'namespace deletion',
      async () => {
        try {
          await core.readNamespace({ name: namespace });
          return undefined;
        } catch (e) {
          return statusCode(e) === 404 ? true : undefined;
        }
      },
      90_000,
    );
    expect(gone).toBe(true);
  });

  it('refuses writes by the viewer user with 403 but lets it read', async () => {
    const viewer = kubeconfig('viewer').makeApiClient(CoreV1Api);
    await expect(viewer.listNamespace()).resolves.toHaveProperty('items');
    let code: number | undefined;
    try {
      await viewer.createNamespace({
        body: { metadata: { name: `${namespace}-v` } },
      });
    } catch (e) {
      code = statusCode(e);
    }
    expect(code).toBe(403);
  });

  it('is reachable through the Stagecraft gateway with the local CA and a token', async () => {
    const cluster = admin.getCurrentCluster()!;
    const user = admin.getCurrentUser()!;
    const caFile = path.join(state, 'ca-for-test.crt');
    fs.writeFileSync(caFile, Buffer.from(cluster.caData!, 'base64'));
    const gateway = new KubernetesClusterGateway([
      {
        name: 'local',
        url: cluster.server,
        serviceAccountToken: user.token,
        caFile,
        skipTLSVerify: false,
      },
    ]);
    const probe = await gateway.probe('local', { timeoutMs: 5000 });
    expect(probe).toMatchObject({
      reachable: true,
      version: expect.stringMatching(/^v1\.\d+\.\d+/),
    });
  });
});
