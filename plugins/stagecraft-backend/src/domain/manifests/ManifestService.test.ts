import knexFactory from 'knex';
import { LABELS } from '@stagecraft/backstage-plugin-stagecraft-common';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, AuditEvent, Authorizer } from '../ports';
import { ManifestService } from './ManifestService';
import { exposureByType } from '../policy/exposure';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };

async function setup(allow = true) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  await store.putEnvironment({
    name: 'team-a-dev',
    type: 'development',
    tier: 'development',
    cluster: 'local',
    namespace: 'team-a-dev',
    owner: 'group:default/team-a',
    quota: { cpu: '4', memory: '8Gi', pods: 40 },
    phase: 'Ready',
    createdBy: 'user:default/alice',
    createdAt: '2026-11-24T10:00:00Z',
    updatedAt: '2026-11-24T10:00:00Z',
  });
  const gateway = new InMemoryClusterGateway();
  const audits: AuditEvent[] = [];
  const authorizer: Authorizer = {
    authorize: async (_a, _action, resources) =>
      (resources ?? [undefined]).map(() => allow),
  };
  const service = new ManifestService({
    gateway,
    store,
    authorizer,
    auditor: { record: async e => void audits.push(e) },
    allowedKinds: ['ConfigMap', 'Service', 'Deployment.apps', 'Namespace'],
    exposure: exposureByType([{ name: 'development' }]),
  });
  return { service, gateway, audits };
}

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: { team: a }
data:
  mode: fast
`;

describe('ManifestService', () => {
  it.each([
    ['externalIPs: [203.0.113.7]', 'manifests[0].spec.externalIPs'],
    ['type: LoadBalancer', 'manifests[0].spec.type'],
    ['type: NodePort', 'manifests[0].spec.type'],
  ])(
    'refuses a Service with %s (400 naming %s), writing and auditing nothing',
    async (spec, field) => {
      const { service, gateway, audits } = await setup();
      const error = await service
        .apply(alice, 'team-a-dev', {
          manifests: `apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ port: 80 }], ${spec} }`,
        })
        .catch(e => e);
      expect(error).toMatchObject({ name: 'InputError' });
      expect(error.errors.map((e: { field: string }) => e.field)).toEqual([
        field,
      ]);
      expect(gateway.objects.size).toBe(0);
      expect(audits).toEqual([]);
    },
  );

  it('applies namespaced objects into the environment, labelled and audited, idempotently', async () => {
    const { service, gateway, audits } = await setup();
    const first = await service.apply(alice, 'team-a-dev', {
      manifests: configMap,
      origin: { taskId: 't1', template: 'template:default/x' },
    });
    expect(first.changed).toEqual(['ConfigMap/settings']);
    const [stored] = [...gateway.objects.values()];
    expect(stored.metadata).toMatchObject({
      namespace: 'team-a-dev',
      labels: {
        team: 'a',
        [LABELS.managedBy]: 'stagecraft',
        [LABELS.environment]: 'team-a-dev',
      },
      annotations: {
        'stagecraft.io/applied-by': 'user:default/alice',
        'stagecraft.io/scaffolder-task': 't1',
      },
    });
    const second = await service.apply(alice, 'team-a-dev', {
      manifests: configMap,
      origin: { taskId: 't1', template: 'template:default/x' },
    });
    expect(second.changed).toEqual([]);
    expect(audits.map(a => [a.action, a.outcome])).toEqual([
      ['manifests.apply', 'succeeded'],
      ['manifests.apply', 'succeeded'],
    ]);
  });

  it('dry-runs: returns the diff and changes nothing', async () => {
    const { service, gateway, audits } = await setup();
    const result = await service.apply(alice, 'team-a-dev', {
      manifests: configMap,
      dryRun: true,
    });
    expect(result.dryRun).toBe(true);
    expect(result.diff).toContain('+  mode: fast');
    expect(gateway.objects.size).toBe(0);
    expect(audits).toEqual([]);
  });

  it.each([
    [
      'a ClusterRoleBinding',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: x }\nroleRef: { kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io }',
      'never creates ClusterRoleBindings',
    ],
    [
      'a Namespace, even when allow-listed',
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: kube-evil }',
      'never creates Namespaces',
    ],
    [
      'a RoleBinding',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: x }',
      'never creates RoleBindings',
    ],
    [
      'an object in another namespace',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: kube-system }',
      'manifests[0].metadata.namespace "kube-system" is not the environment\'s namespace "team-a-dev"',
    ],
    [
      'a kind outside the allow-list',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: x }',
      'Secret, which is not in stagecraft.apply.allowedKinds',
    ],
    [
      'a cluster-scoped kind',
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: x }',
      'not in stagecraft.apply.allowedKinds',
    ],
    [
      'a reserved label',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, labels: { "pod-security.kubernetes.io/enforce": privileged } }',
      'reserved prefix',
    ],
    [
      'the managed-by label',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, labels: { "app.kubernetes.io/managed-by": stagecraft } }',
      'reserved prefix',
    ],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 30 },
        (_, i) => `k${i}: [*a, *a, *a]`,
      ).join('\n')}`,
      'could not be read',
    ],
    [
      'a smuggled second document',
      `${configMap}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: y }`,
      'manifests[1] is a ClusterRoleBinding',
    ],
    ['a List', 'apiVersion: v1\nkind: List\nitems: []', 'send its items'],
    [
      'too much YAML',
      `# ${'x'.repeat(60 * 1024)}\n${configMap}`,
      'at most 49152 bytes',
    ],
    ['no manifests', 42, 'manifests is required'],
    [
      'a bad name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: Bad_Name }',
      'manifests[0].metadata.name',
    ],
  ])(
    'refuses %s with a clear message and changes nothing',
    async (_what, manifests, message) => {
      const { service, gateway } = await setup();
      await expect(
        service.apply(alice, 'team-a-dev', { manifests }),
      ).rejects.toThrow(message);
      expect(gateway.objects.size).toBe(0);
    },
  );

  it('refuses to adopt an object Stagecraft does not manage', async () => {
    const { service, gateway } = await setup();
    gateway.seed('local', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'team-a-dev' },
    });
    await expect(
      service.apply(alice, 'team-a-dev', { manifests: configMap }),
    ).rejects.toThrow('ConfigMap/settings already exist');
  });

  it('is denied without permission on the environment, and 404s an unknown one', async () => {
    const denied = await setup(false);
    await expect(
      denied.service.apply(alice, 'team-a-dev', { manifests: configMap }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(denied.gateway.objects.size).toBe(0);
    const { service } = await setup();
    await expect(
      service.apply(alice, 'nope', { manifests: configMap }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it("refuses what the namespace's Pod Security level refuses (the API server's dry run), naming the field; applies nothing", async () => {
    const { service, gateway, audits } = await setup();
    gateway.seed('local', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'team-a-dev',
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      },
    });
    gateway.warnings = (o, dryRun) =>
      dryRun && o.kind === 'Deployment'
        ? [
            'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)',
          ]
        : [];
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec: { hostNetwork: true, containers: [{ name: web, image: nginx }] }
`;
    await expect(
      service.apply(alice, 'team-a-dev', {
        manifests: `${configMap}---\n${deployment}`,
      }),
    ).rejects.toMatchObject({
      errors: [
        expect.objectContaining({
          field: 'manifests[1].spec.template.spec.hostNetwork',
        }),
      ],
    });
    expect(gateway.calls.filter(c => c.startsWith('apply'))).toEqual([]);
    expect(audits.filter(a => a.outcome === 'succeeded')).toEqual([]);
  });

  it("returns the API server's warnings of an apply", async () => {
    const { service, gateway } = await setup();
    gateway.warnings = () => ['metadata.annotations[x]: deprecated'];
    const result = await service.apply(alice, 'team-a-dev', {
      manifests: configMap,
    });
    expect(result.warnings).toEqual([
      'ConfigMap/settings: metadata.annotations[x]: deprecated',
    ]);
  });
});
