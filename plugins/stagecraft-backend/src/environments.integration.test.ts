// Environment management against the real local control plane (dev/cluster),
// through the real plugin, REST routes, catalog and entity provider.
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import request from 'supertest';
import {
  AuditorEventRecord,
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

const admin = kubeconfig('admin');
const core = admin.makeApiClient(CoreV1Api);
const objects = KubernetesObjectApi.makeApiClient(admin);

jest.setTimeout(180_000);

const auditorEvents: AuditorEventRecord[] = [];

const startBackend = () =>
  startIntegrationBackend({
    auditorEvents,
    stagecraft: {
      reaper: { frequencySeconds: 1 },
      environmentTypes: [
        { name: 'preview', tier: 'preview' },
        {
          name: 'development',
          tier: 'development',
          quota: { cpu: '2', memory: '4Gi', pods: 25 },
        },
      ],
    },
  });

describe('environments on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  const names = ['team-a-dev', 'handmade-ns', 'pr-reaped'];

  beforeAll(async () => {
    await Promise.all(names.map(name => deleteNamespace(name)));
    server = await startBackend();
  });
  afterAll(async () => {
    await Promise.all(names.map(name => deleteNamespace(name)));
  });

  const api = () => request(server);
  const body = {
    name: 'team-a-dev',
    type: 'development',
    owner: 'group:default/team-a',
  };
  const namespaced = [
    ['v1', 'ResourceQuota', 'stagecraft-quota'],
    ['v1', 'LimitRange', 'stagecraft-limits'],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'stagecraft-default-deny'],
    [
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'stagecraft-allow-same-namespace',
    ],
    ['networking.k8s.io/v1', 'NetworkPolicy', 'stagecraft-allow-dns'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'stagecraft-owner-edit'],
  ];
  const resourceVersions = async () =>
    Promise.all([
      core
        .readNamespace({ name: 'team-a-dev' })
        .then(n => n.metadata!.resourceVersion),
      ...namespaced.map(([apiVersion, kind, name]) =>
        objects
          .read({
            apiVersion,
            kind,
            metadata: { name, namespace: 'team-a-dev' },
          })
          .then(o => o.metadata!.resourceVersion),
      ),
    ]);

  it('creates team-a-dev with every object, labels and quota; a second create changes nothing', async () => {
    const created = await api().post('/api/stagecraft/environments').send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'team-a-dev',
      phase: 'Ready',
      cluster: 'local',
    });

    const ns = await core.readNamespace({ name: 'team-a-dev' });
    expect(ns.metadata!.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': 'team-a-dev',
      'stagecraft.io/tier': 'development',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const quota = await core.readNamespacedResourceQuota({
      name: 'stagecraft-quota',
      namespace: 'team-a-dev',
    });
    expect(quota.spec!.hard).toEqual({
      'limits.cpu': '2',
      'limits.memory': '4Gi',
      pods: '25',
      'requests.cpu': '2',
      'requests.memory': '4Gi',
    });
    // every object is owned by the stagecraft field manager
    const managers = (
      await objects.read({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'stagecraft-limits', namespace: 'team-a-dev' },
      })
    ).metadata!.managedFields!.map(f => f.manager);
    expect(managers).toEqual(['stagecraft']);

    const before = await resourceVersions();
    const again = await api().post('/api/stagecraft/environments').send(body);
    expect(again.status).toBe(200);
    expect(await resourceVersions()).toEqual(before);
  });

  it('lets the owner group create Deployments in it and no other group', async () => {
    const authz = admin.makeApiClient(AuthorizationV1Api);
    const can = async (groups: string[]) =>
      (
        await authz.createSubjectAccessReview({
          body: {
            spec: {
              user: 'someone',
              groups,
              resourceAttributes: {
                namespace: 'team-a-dev',
                verb: 'create',
                group: 'apps',
                resource: 'deployments',
              },
            },
          },
        })
      ).status!.allowed;
    expect(await can(['team-a'])).toBe(true);
    expect(await can(['team-b'])).toBe(false);
  });

  it('refuses (409) a namespace created by hand and leaves it untouched', async () => {
    await core.createNamespace({
      body: { metadata: { name: 'handmade-ns', labels: { team: 'x' } } },
    });
    const before = await core.readNamespace({ name: 'handmade-ns' });
    const res = await api()
      .post('/api/stagecraft/environments')
      .send({ ...body, name: 'handmade-ns' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('not managed by Stagecraft');
    const after = await core.readNamespace({ name: 'handmade-ns' });
    expect(after.metadata!.resourceVersion).toBe(
      before.metadata!.resourceVersion,
    );
    expect(after.metadata!.labels).toEqual(before.metadata!.labels);
  });

  it.each(['Team_A', 'kube-system', 'default', 'a'.repeat(64), 'équipe'])(
    'refuses the name %s with 400 naming the field and creates nothing',
    async name => {
      // other suites may create namespaces meanwhile: compare what this one could touch
      const stagecraftNamespaces = async () =>
        (
          await core.listNamespace({
            labelSelector: 'app.kubernetes.io/managed-by=stagecraft',
          })
        ).items
          .map(n => `${n.metadata!.name}@${n.metadata!.resourceVersion}`)
          .filter(n => !n.startsWith('hello-') && !n.startsWith('scale-'))
          .sort();
      const before = await stagecraftNamespaces();
      const system = await core.readNamespace({ name: 'kube-system' });
      const res = await api()
        .post('/api/stagecraft/environments')
        .send({ ...body, name });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^name "/);
      expect(await stagecraftNamespaces()).toEqual(before);
      const after = await core.readNamespace({ name: 'kube-system' });
      expect(after.metadata!.resourceVersion).toBe(
        system.metadata!.resourceVersion,
      );
      const list = await api().get('/api/stagecraft/environments');
      expect(list.body.items.map((e: any) => e.name)).not.toContain(name);
    },
  );

  it('shows the provisioned environment in the catalog within 5 s', async () => {
    const started = Date.now();
    const entity = await eventually(
      'environment:default/team-a-dev in the catalog',
      async () => {
        const res = await api().get(
          '/api/catalog/entities?filter=kind=environment',
        );
        return res.body.find?.((e: any) => e.metadata.name === 'team-a-dev');
      },
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(entity.spec).toMatchObject({
      tier: 'development',
      cluster: 'local',
      namespace: 'team-a-dev',
      owner: 'group:default/team-a',
    });
  });

  it('reaps a preview with a 2-second TTL and audits create and reap', async () => {
    const res = await api().post('/api/stagecraft/environments').send({
      name: 'pr-reaped',
      type: 'preview',
      owner: 'group:default/team-a',
      ttl: '2s',
    });
    expect(res.status).toBe(201);
    await eventually(
      'the reaper to delete pr-reaped',
      async () =>
        (await api().get('/api/stagecraft/environments/pr-reaped')).status ===
        404
          ? true
          : undefined,
      60_000,
    );
    await expect(
      core.readNamespace({ name: 'pr-reaped' }),
    ).rejects.toMatchObject({ code: 404 });
    const audit = await api().get(
      '/api/stagecraft/environments/pr-reaped/audit',
    );
    expect(
      audit.body.items.map((a: any) => `${a.action} ${a.actor} ${a.outcome}`),
    ).toEqual([
      'environment.create user:default/mock succeeded',
      'environment.reap system:stagecraft-reaper succeeded',
    ]);
    const events = auditorEvents.filter(e => e.meta?.target === 'pr-reaped');
    expect(events.map(e => `${e.eventId} ${e.outcome}`)).toEqual([
      'environment-create succeeded',
      'environment-reap succeeded',
    ]);
  });

  it('deletes team-a-dev and waits until the namespace is gone', async () => {
    const res = await api()
      .delete('/api/stagecraft/environments/team-a-dev')
      .send({});
    expect(res.status).toBe(204);
    await expect(
      core.readNamespace({ name: 'team-a-dev' }),
    ).rejects.toMatchObject({ code: 404 });
    const gone = await eventually(
      'catalog entity removed',
      async () => {
        const list = await api().get(
          '/api/catalog/entities?filter=kind=environment',
        );
        return list.body.some?.((e: any) => e.metadata.name === 'team-a-dev')
          ? undefined
          : true;
      },
      10_000,
    );
    expect(gone).toBe(true);
  });
});
