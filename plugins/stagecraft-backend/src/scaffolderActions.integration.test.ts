// The scaffolder actions and the guarded apply, through a running backend
// (real plugin, routes, permissions, audit) against the real control plane.
import {
  CoreV1Api,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createEnvironmentCreateAction,
  createEnvironmentDeleteAction,
  createKubernetesApplyAction,
  createWaitAction,
} from '@stagecraft/backstage-plugin-scaffolder-backend-module-stagecraft';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import request from 'supertest';
import {
  AuditorEventRecord,
  clientFor,
  deleteNamespace,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(180_000);

const admin = kubeconfig('admin');
const core = admin.makeApiClient(CoreV1Api);
const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
const objects = KubernetesObjectApi.makeApiClient(admin);
const ENV = 'scaffolded-dev';
const auditorEvents: AuditorEventRecord[] = [];

/** Everything a refused apply could have touched, to compare before/after. */
async function clusterSnapshot() {
  const [namespaces, crbs, rolebindings, configmaps] = await Promise.all([
    core.listNamespace(),
    rbac.listClusterRoleBinding(),
    rbac.listNamespacedRoleBinding({ namespace: ENV }),
    core.listConfigMapForAllNamespaces(),
  ]);
  return {
    namespaces: namespaces.items.map(n => n.metadata!.name).sort(),
    crbs: crbs.items.map(n => n.metadata!.name).sort(),
    rolebindings: rolebindings.items.map(n => n.metadata!.name).sort(),
    configmaps: configmaps.items
      .map(n => `${n.metadata!.namespace}/${n.metadata!.name}`)
      .sort(),
  };
}

describe('scaffolder actions through the backend, on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let client: StagecraftClient;

  beforeAll(async () => {
    await deleteNamespace(ENV);
    server = await startIntegrationBackend({
      auditorEvents,
      stagecraft: {
        environmentTypes: [{ name: 'development', tier: 'development' }],
        apply: { allowedKinds: ['ConfigMap', 'Service', 'Namespace'] },
      },
    });
    client = clientFor(server);
  });
  afterAll(async () => {
    await deleteNamespace(ENV);
  });

  const input = {
    name: ENV,
    type: 'development',
    owner: 'group:default/team-a',
  };

  it('environment:create dry-runs without a trace, then creates, and a re-run does not fail', async () => {
    const create = createEnvironmentCreateAction({ client });
    await create.handler({
      ...createMockActionContext({ input }),
      isDryRun: true,
    });
    await expect(core.readNamespace({ name: ENV })).rejects.toMatchObject({
      code: 404,
    });
    for (let run = 0; run < 2; run++) {
      const ctx = createMockActionContext({
        input,
        templateInfo: { entityRef: 'template:default/new-environment' } as any,
      });
      await create.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('namespace', ENV);
    }
    const ns = await core.readNamespace({ name: ENV });
    expect(ns.metadata?.labels?.['stagecraft.io/environment']).toBe(ENV);
    const env = await request(server)
      .get(`/api/stagecraft/environments/${ENV}`)
      .set('Authorization', mockCredentials.user.header());
    expect(env.body.origin).toEqual({
      taskId: 'mock-task-id',
      template: 'template:default/new-environment',
    });
    const wait = createWaitAction({ client });
    const waited = createMockActionContext({ input: { environment: ENV } });
    await wait.handler(waited);
    expect(waited.output).toHaveBeenCalledWith('phase', 'Ready');
  });

  it('stagecraft:apply writes an allowed object idempotently, and dry-runs without change', async () => {
    const apply = createKubernetesApplyAction({ client });
    const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: feature-flags
data:
  newCheckout: "true"
`;
    const runs = [];
    for (let run = 0; run < 2; run++) {
      const ctx = createMockActionContext({
        input: { environment: ENV, manifest },
      });
      await apply.handler(ctx);
      runs.push((ctx.output as jest.Mock).mock.calls);
    }
    expect(runs[0]).toContainEqual(['changed', ['ConfigMap/feature-flags']]);
    expect(runs[1]).toContainEqual(['changed', []]);
    const live = await core.readNamespacedConfigMap({
      name: 'feature-flags',
      namespace: ENV,
    });
    expect(live.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': ENV,
    });
    expect(
      live.metadata?.managedFields?.map(f => [f.manager, f.operation]),
    ).toEqual([['stagecraft', 'Apply']]);

    const dry = {
      ...createMockActionContext({
        input: {
          environment: ENV,
          manifest: manifest.replace('"true"', '"false"'),
        },
      }),
      isDryRun: true,
    };
    await apply.handler(dry);
    expect(dry.output).toHaveBeenCalledWith(
      'diff',
      expect.stringContaining('+  newCheckout: "false"'),
    );
    const after = await core.readNamespacedConfigMap({
      name: 'feature-flags',
      namespace: ENV,
    });
    expect(after.data).toEqual({ newCheckout: 'true' });
  });

  it.each([
    [
      'a ClusterRoleBinding',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: scaffolded-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io }]`,
      'manifests[0] is a ClusterRoleBinding: the guarded apply never creates ClusterRoleBindings',
    ],
    [
      'a Namespace (even though allow-listed)',
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: scaffolded-sneaky }',
      'manifests[0] is a Namespace: the guarded apply never creates Namespaces',
    ],
    [
      'an object in another namespace',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: planted, namespace: kube-system }\ndata: { a: b }',
      `manifests[0].metadata.namespace "kube-system" is not the environment's namespace "${ENV}"`,
    ],
    [
      'a RoleBinding',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: scaffolded-edit }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin }
subjects: [{ kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io }]`,
      'manifests[0] is a RoleBinding: the guarded apply never creates RoleBindings',
    ],
    [
      'a good object followed by a smuggled ClusterRoleBinding',
      `apiVersion: v1
kind: ConfigMap
metadata: { name: innocent }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: smuggled }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }`,
      'manifests[1] is a ClusterRoleBinding',
    ],
  ])(
    'stagecraft:apply refuses %s with a clear message and no change',
    async (_what, manifest, message) => {
      const before = await clusterSnapshot();
      const apply = createKubernetesApplyAction({ client });
      await expect(
        apply.handler(
          createMockActionContext({ input: { environment: ENV, manifest } }),
        ),
      ).rejects.toThrow(message);
      // and straight at the route: a 400 naming the field
      const res = await request(server)
        .post(`/api/stagecraft/environments/${ENV}/apply`)
        .set('Authorization', mockCredentials.user.header())
        .send({ manifests: manifest });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(await clusterSnapshot()).toEqual(before);
    },
  );

  it('an object Stagecraft does not manage is never adopted', async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'handmade', namespace: ENV },
      data: { owner: 'someone' },
    } as any);
    const apply = createKubernetesApplyAction({ client });
    await expect(
      apply.handler(
        createMockActionContext({
          input: {
            environment: ENV,
            manifest:
              'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: handmade }\ndata: { owner: stagecraft }',
          },
        }),
      ),
    ).rejects.toThrow('ConfigMap/handmade already exist');
    const live = await core.readNamespacedConfigMap({
      name: 'handmade',
      namespace: ENV,
    });
    expect(live.data).toEqual({ owner: 'someone' });
  });

  it('environment:delete dry-runs, deletes, and a second run finds nothing to delete', async () => {
    const del = createEnvironmentDeleteAction({ client });
    const dry = {
      ...createMockActionContext({ input: { name: ENV } }),
      isDryRun: true,
    };
    await del.handler(dry);
    expect((await core.readNamespace({ name: ENV })).metadata?.name).toBe(ENV);
    for (const expected of [true, false]) {
      const ctx = createMockActionContext({ input: { name: ENV } });
      await del.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('deleted', expected);
    }
    await expect(core.readNamespace({ name: ENV })).rejects.toMatchObject({
      code: 404,
    });
    const audit = await request(server)
      .get(`/api/stagecraft/environments/${ENV}/audit`)
      .set('Authorization', mockCredentials.user.header());
    const trail = audit.body.items.map((e: any) => `${e.action} ${e.outcome}`);
    expect(trail).toContain('manifests.apply succeeded');
    expect(trail.at(-1)).toBe('environment.delete succeeded');
  });
});
