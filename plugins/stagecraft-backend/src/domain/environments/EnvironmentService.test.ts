import knexFactory, { Knex } from 'knex';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, Auditor, AuditEvent, Authorizer, Clock } from '../ports';
import { EnvironmentService } from './EnvironmentService';
import { tierDefaults } from './types';
import { ReservedNamespaces } from './reservedNamespaces';
import { ownerSubjectMapper } from './manifests';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };

function setup(
  options: {
    allow?: (action: string, resource?: string) => boolean;
    down?: string[];
    /** More collaborators of the service (reserved names, owner subjects). */
    deps?: Partial<ConstructorParameters<typeof EnvironmentService>[0]>;
  } = {},
) {
  const knex: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  let now = new Date('2026-11-24T10:00:00Z');
  const clock: Clock = {
    now: () => now,
    sleep: async () => {},
  };
  const gateway = new InMemoryClusterGateway(
    ['local', 'eu'],
    new Set(options.down),
  );
  const audits: AuditEvent[] = [];
  const auditor: Auditor = { record: async e => void audits.push(e) };
  const authorizer: Authorizer = {
    authorize: async (_actor, action, resources) =>
      (resources ?? [undefined]).map(r => options.allow?.(action, r) ?? true),
  };
  return {
    knex,
    gateway,
    audits,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    async service() {
      const store = await DatabaseStore.create({ knex });
      return {
        store,
        service: new EnvironmentService({
          gateway,
          store,
          authorizer,
          auditor,
          clock,
          types: [
            tierDefaults('preview', 'preview'),
            tierDefaults('development', 'development'),
            tierDefaults('production', 'production'),
          ],
          ...options.deps,
        }),
      };
    },
  };
}

const body = (extra: Record<string, unknown> = {}) => ({
  name: 'team-a-dev',
  type: 'development',
  owner: 'group:default/team-a',
  cluster: 'local',
  ...extra,
});

describe('EnvironmentService', () => {
  it('dry-runs a create: checks everything, changes nothing, records nothing', async () => {
    const t = setup();
    const { service, store } = await t.service();
    const result = await service.create(alice, body({ dryRun: true }));
    expect(result).toMatchObject({ created: false, dryRun: true });
    expect(result.environment.name).toBe('team-a-dev');
    expect(t.gateway.objects.size).toBe(0);
    expect(await store.listEnvironments()).toEqual([]);
    expect(t.audits).toEqual([]);
    await expect(
      service.create(alice, body({ dryRun: 'yes' })),
    ).rejects.toThrow('dryRun must be true or false');
  });

  it('takes full entity refs for promotesTo and system, and refuses other kinds', async () => {
    const t = setup();
    const { service } = await t.service();
    const { environment } = await service.create(
      alice,
      body({
        promotesTo: 'environment:default/team-a-staging',
        system: 'system:default/payments',
      }),
    );
    expect(environment).toMatchObject({
      promotesTo: 'environment:default/team-a-staging',
      system: 'system:default/payments',
    });
    await expect(
      service.create(
        alice,
        body({ name: 'x-dev', promotesTo: 'group:default/a' }),
      ),
    ).rejects.toThrow('promotesTo must refer to an environment');
  });

  it('records the template run that created an environment, and keeps the first', async () => {
    const t = setup();
    const { service } = await t.service();
    const origin = { taskId: 'task-1', template: 'template:default/new-env' };
    const { environment } = await service.create(alice, body({ origin }));
    expect(environment.origin).toEqual(origin);
    const again = await service.create(
      alice,
      body({ origin: { taskId: 'task-2' } }),
    );
    expect(again.environment.origin).toEqual(origin);
    await expect(
      service.create(alice, body({ origin: { taskId: '../x' } })),
    ).rejects.toThrow('origin must be');
  });

  it('creates the namespace, quota, limits, network policies and owner binding', async () => {
    const t = setup();
    const { service } = await t.service();
    const { environment, created } = await service.create(alice, body());
    expect(created).toBe(true);
    expect(environment).toMatchObject({
      name: 'team-a-dev',
      namespace: 'team-a-dev',
      tier: 'development',
      phase: 'Ready',
      owner: 'group:default/team-a',
      quota: { cpu: '4', memory: '8Gi', pods: 40 },
      createdBy: 'user:default/alice',
    });
    expect(environment.objects?.every(o => o.present)).toBe(true);
    expect(t.gateway.calls).toEqual([
      'apply Namespace/team-a-dev',
      'apply ResourceQuota/stagecraft-quota',
      'apply LimitRange/stagecraft-limits',
      'apply NetworkPolicy/stagecraft-default-deny',
      'apply NetworkPolicy/stagecraft-allow-same-namespace',
      'apply NetworkPolicy/stagecraft-allow-dns',
      'apply RoleBinding/stagecraft-owner-edit',
    ]);
    const ns = await t.gateway.get('local', {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'team-a-dev',
    });
    expect(ns?.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'stagecraft',
      'stagecraft.io/environment': 'team-a-dev',
      'stagecraft.io/tier': 'development',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
    });
    const binding = await t.gateway.get('local', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: 'stagecraft-owner-edit',
      namespace: 'team-a-dev',
    });
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: 'team-a' }],
    });
    expect(t.audits).toEqual([
      expect.objectContaining({
        action: 'environment.create',
        target: 'team-a-dev',
        outcome: 'succeeded',
      }),
    ]);
  });

  it("says the API server's warnings while provisioning, keeps them on the environment and audits them", async () => {
    const t = setup();
    // what the API server answers when a namespace's enforce level is
    // raised over pods that violate it
    const violated =
      'existing pods in namespace "team-a-dev" violate the new PodSecurity enforce level "restricted:latest"';
    t.gateway.warnings = (o, dryRun) =>
      o.kind === 'Namespace'
        ? [dryRun ? `(dry run) ${violated}` : violated]
        : [];
    const { service } = await t.service();
    const dry: string[] = [];
    const { environment: proposed } = await service.create(
      alice,
      body({ dryRun: true }),
      line => dry.push(line),
    );
    expect(dry).toContain(
      `warning: Namespace/team-a-dev: (dry run) ${violated}`,
    );
    expect(proposed.warnings).toEqual([
      `Namespace/team-a-dev: (dry run) ${violated}`,
    ]);

    const progress: string[] = [];
    const { environment } = await service.create(alice, body(), line =>
      progress.push(line),
    );
    const said = `Namespace/team-a-dev: ${violated}`;
    expect(progress).toContain(`warning: ${said}`);
    expect(environment.warnings).toEqual([said]);
    expect((await service.get(alice, 'team-a-dev')).warnings).toEqual([said]);
    expect(t.audits).toEqual([
      expect.objectContaining({
        action: 'environment.create',
        outcome: 'succeeded',
        details: expect.objectContaining({ warnings: [said] }),
      }),
    ]);

    // the next provisioning without warnings clears them
    t.gateway.warnings = () => [];
    await service.update(alice, 'team-a-dev', { quota: { pods: 30 } });
    expect((await service.get(alice, 'team-a-dev')).warnings).toBeUndefined();
  });

  it('is idempotent: the same create again changes nothing and succeeds', async () => {
    const t = setup();
    const { service } = await t.service();
    await service.create(alice, body());
    const versions = [...t.gateway.objects.values()].map(
      o => o.metadata.resourceVersion,
    );
    const again = await service.create(alice, body());
    expect(again.created).toBe(false);
    expect(
      [...t.gateway.objects.values()].map(o => o.metadata.resourceVersion),
    ).toEqual(versions);
    expect(t.audits[1].details).toMatchObject({ changed: [] });
  });

  it('refuses (409) a namespace Stagecraft does not manage and touches nothing', async () => {
    const t = setup();
    t.gateway.seed('local', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a-dev' },
    });
    const { service, store } = await t.service();
    await expect(service.create(alice, body())).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('not managed by Stagecraft'),
    });
    expect(t.gateway.calls).toEqual([]);
    expect(await store.getEnvironment('team-a-dev')).toBeUndefined();
  });

  it('refuses (409) a second create with a different spec', async () => {
    const t = setup();
    const { service } = await t.service();
    await service.create(alice, body());
    await expect(
      service.create(alice, body({ owner: 'group:default/team-b' })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('different owner'),
    });
  });

  it.each([
    ['Team_A', /name "Team_A" is not a valid DNS-1123 label/],
    ['kube-system', /name "kube-system" is reserved by Kubernetes/],
    ['default', /name "default" is reserved by Kubernetes/],
    ['a'.repeat(64), /no more than 63 characters/],
    ['équipe-a', /not a valid DNS-1123 label/],
  ])(
    'refuses the name %s with a 400 naming the field and creates nothing',
    async (name, message) => {
      const t = setup();
      const { service, store } = await t.service();
      const error = await service.create(alice, body({ name })).catch(e => e);
      expect(error).toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(error.errors[0].field).toBe('name');
      expect(t.gateway.calls).toEqual([]);
      expect(await store.listEnvironments()).toEqual([]);
    },
  );

  it.each([
    [{ name: 'openshift-monitoring' }, 'name', 'openshift-*'],
    [{ name: 'openshift' }, 'name', 'openshift'],
    [{ name: 'stagecraft-system' }, 'name', 'stagecraft-system'],
    [{ name: 'flux-system' }, 'name', 'flux-system'],
    [
      { name: 'team-a-dev', namespace: 'cert-manager' },
      'namespace',
      'cert-manager',
    ],
    [
      { name: 'team-a-dev', namespace: 'istio-system' },
      'namespace',
      'istio-system',
    ],
  ])(
    'refuses the reserved %j with a 400 naming %s and the rule %s, and writes nothing',
    async (fields, field, rule) => {
      const t = setup();
      const { service, store } = await t.service();
      const error = await service.create(alice, body(fields)).catch(e => e);
      expect(error).toMatchObject({ name: 'InputError' });
      expect(error.errors).toEqual([
        {
          field,
          message: expect.stringContaining(`(rule "${rule}"`),
        },
      ]);
      expect(t.gateway.calls).toEqual([]);
      expect(await store.listEnvironments()).toEqual([]);
      expect(t.audits).toEqual([]);
    },
  );

  it('binds the owner under the subject stagecraft.ownerSubjects maps it to', async () => {
    const t = setup({
      deps: {
        ownerSubject: ownerSubjectMapper({ group: 'oidc:{name}' }),
      },
    });
    const { service } = await t.service();
    await service.create(alice, body());
    const binding = await t.gateway.get('local', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: 'stagecraft-owner-edit',
      namespace: 'team-a-dev',
    });
    expect(binding).toMatchObject({
      subjects: [{ kind: 'Group', name: 'oidc:team-a' }],
    });
  });

  it('takes reserved names from its configuration on top of the defaults', async () => {
    const t = setup({
      deps: {
        reservedNamespaces: new ReservedNamespaces([
          { pattern: 'platform-*', why: 'ours' },
        ]),
      },
    });
    const { service } = await t.service();
    await expect(
      service.create(alice, body({ name: 'platform-tools' })),
    ).rejects.toMatchObject({
      message: expect.stringContaining('(rule "platform-*": ours)'),
    });
    await expect(
      service.create(alice, body({ name: 'openshift-x' })),
    ).rejects.toMatchObject({ name: 'InputError' });
    await expect(service.create(alice, body())).resolves.toMatchObject({
      created: true,
    });
  });

  it('names every bad field at once: unknown type, cluster, ttl, quota, extra fields', async () => {
    const t = setup();
    const { service } = await t.service();
    const error = await service
      .create(
        alice,
        body({ ttl: 'soon', quota: { cpu: 'lots', pods: -1 }, colour: 'red' }),
      )
      .catch(e => e);
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'quota.cpu',
      'quota.pods',
      'ttl',
    ]);
    await expect(service.create(alice, body({ type: 'qa' }))).rejects.toThrow(
      'type "qa" is not one of the configured environment types: preview, development, production',
    );
    await expect(
      service.create(alice, body({ cluster: 'mars' })),
    ).rejects.toThrow(
      'cluster "mars" is not configured; configured clusters: local, eu',
    );
  });

  it('refuses a denied create with 403, writes nothing and audits the refusal', async () => {
    const t = setup({ allow: () => false });
    const { service, store } = await t.service();
    await expect(service.create(alice, body())).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(t.gateway.calls).toEqual([]);
    expect(await store.listEnvironments()).toEqual([]);
    expect(t.audits).toEqual([
      expect.objectContaining({
        action: 'environment.create',
        outcome: 'failed',
        actor: 'user:default/alice',
      }),
    ]);
  });

  it('lists only the environments the actor may read', async () => {
    const t = setup({
      allow: (action, resource) =>
        action !== 'environment.read' || resource === 'b-dev',
    });
    const { service } = await t.service();
    await service.create(alice, body({ name: 'a-dev' }));
    await service.create(alice, body({ name: 'b-dev' }));
    expect((await service.list(alice)).map(e => e.name)).toEqual(['b-dev']);
  });

  it('reaps a preview after its TTL, deleting the namespace and auditing it', async () => {
    const t = setup();
    const { service, store } = await t.service();
    const { environment } = await service.create(
      alice,
      body({ name: 'pr-42', type: 'preview', ttl: '2s' }),
    );
    expect(environment.expiresAt).toBe('2026-11-24T10:00:02.000Z');
    expect(await service.reapExpired()).toEqual([]);
    t.advance(3000);
    const progress: string[] = [];
    expect(await service.reapExpired(m => progress.push(m))).toEqual(['pr-42']);
    expect(t.gateway.objects.size).toBe(0);
    expect(await store.getEnvironment('pr-42')).toBeUndefined();
    expect(progress).toEqual([
      'deleting namespace pr-42 on local',
      'environment pr-42 deleted',
    ]);
    expect(t.audits.map(a => `${a.action} ${a.actor} ${a.outcome}`)).toEqual([
      'environment.create user:default/alice succeeded',
      'environment.reap system:stagecraft-reaper succeeded',
    ]);
  });

  it('previews get the type default TTL; extend pushes the expiry out', async () => {
    const t = setup();
    const { service } = await t.service();
    const { environment } = await service.create(
      alice,
      body({ name: 'pr-7', type: 'preview' }),
    );
    expect(environment.expiresAt).toBe('2026-11-27T10:00:00.000Z'); // 72h
    const extended = await service.extend(alice, 'pr-7', { ttl: '24h' });
    expect(extended.expiresAt).toBe('2026-11-28T10:00:00.000Z');
    const ns = await t.gateway.get('local', {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'pr-7',
    });
    expect(ns?.metadata.annotations?.['stagecraft.io/expires-at']).toBe(
      '2026-11-28T10:00:00.000Z',
    );
  });

  it('needs confirm to delete production, then removes everything', async () => {
    const t = setup();
    const { service } = await t.service();
    await service.create(
      alice,
      body({ name: 'shop-prod', type: 'production' }),
    );
    await expect(service.delete(alice, 'shop-prod', {})).rejects.toThrow(
      'confirm must equal "shop-prod" to delete a production environment',
    );
    expect(t.gateway.objects.size).toBe(7);
    await service.delete(alice, 'shop-prod', { confirm: 'shop-prod' });
    expect(t.gateway.objects.size).toBe(0);
    await expect(service.get(alice, 'shop-prod')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('reports missing objects on get and updates quota and owner in place', async () => {
    const t = setup();
    const { service } = await t.service();
    await service.create(alice, body());
    await t.gateway.delete('local', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      name: 'stagecraft-quota',
      namespace: 'team-a-dev',
    });
    expect(await service.get(alice, 'team-a-dev')).toMatchObject({
      phase: 'Failed',
      message: 'missing in the cluster: ResourceQuota/stagecraft-quota',
    });
    const updated = await service.update(alice, 'team-a-dev', {
      quota: { pods: 10 },
      owner: 'team-b',
    });
    expect(updated).toMatchObject({
      phase: 'Ready',
      owner: 'group:default/team-b',
      quota: { pods: 10 },
    });
  });

  it('keeps working on one cluster while another is down', async () => {
    const t = setup({ down: ['eu'] });
    const { service, store } = await t.service();
    await expect(
      service.create(alice, body({ name: 'eu-dev', cluster: 'eu' })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('cluster eu unavailable'),
    });
    expect(await store.getEnvironment('eu-dev')).toBeUndefined();
    const { environment } = await service.create(
      alice,
      body({ name: 'local-dev' }),
    );
    expect(environment.phase).toBe('Ready');
    // a record on the dead cluster still reads, saying why its status is unknown
    await store.putEnvironment({
      ...environment,
      name: 'eu-old',
      cluster: 'eu',
      namespace: 'eu-old',
    });
    expect(await service.get(alice, 'eu-old')).toMatchObject({
      name: 'eu-old',
      message: expect.stringContaining('cluster "eu" unavailable'),
    });
    expect((await service.list(alice)).map(e => e.name)).toEqual([
      'eu-old',
      'local-dev',
    ]);
  });
});
