import knexFactory from 'knex';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, AuditEvent, DeclaredEnvironment } from '../ports';
import { EnvironmentService } from './EnvironmentService';
import { tierDefaults } from './types';

const alice: Actor = { ref: 'user:default/alice', credentials: {} };

const declaredStaging: DeclaredEnvironment = {
  ref: 'environment:default/payments-staging',
  tier: 'staging',
  owner: 'group:default/payments',
  system: 'payments',
  cluster: 'local',
  namespace: 'payments-staging',
  promotesTo: 'environment:default/payments-prod',
};

async function setup(declared: DeclaredEnvironment[] = [declaredStaging]) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  const gateway = new InMemoryClusterGateway(['local']);
  const audits: AuditEvent[] = [];
  const service = new EnvironmentService({
    gateway,
    store,
    authorizer: {
      authorize: async (_a, _action, resources) =>
        (resources ?? [undefined]).map(() => true),
    },
    auditor: { record: async e => void audits.push(e) },
    clock: {
      now: () => new Date('2026-12-01T10:00:00Z'),
      sleep: async () => {},
    },
    types: [
      tierDefaults('development', 'development'),
      tierDefaults('staging', 'staging'),
    ],
    declarations: {
      declared: async name => {
        // as the catalog does: an invalid ref is its error, not "none"
        if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad ref ${name}`);
        return declared.find(d => d.ref === `environment:default/${name}`);
      },
    },
  });
  return { service, store, gateway, audits };
}

describe('EnvironmentService and environments declared in the catalog', () => {
  it('provisions a declared environment with its spec, promotesTo included', async () => {
    const { service, audits } = await setup();
    const { environment, created } = await service.provisionDeclared(
      alice,
      'payments-staging',
    );
    expect(created).toBe(true);
    expect(environment).toMatchObject({
      name: 'payments-staging',
      type: 'staging',
      tier: 'staging',
      owner: 'group:default/payments',
      system: 'system:default/payments',
      namespace: 'payments-staging',
      promotesTo: 'environment:default/payments-prod',
      phase: 'Ready',
    });
    expect(audits.map(a => a.action)).toContain('environment.create');
    // a second time is a no-op that says so
    expect(
      (await service.provisionDeclared(alice, 'payments-staging')).created,
    ).toBe(false);
  });

  it('fills a POST /environments of a declared name from the declaration', async () => {
    const { service } = await setup();
    const { environment } = await service.create(alice, {
      name: 'payments-staging',
      type: 'staging',
      owner: 'group:default/payments',
    });
    expect(environment.promotesTo).toBe('environment:default/payments-prod');
    expect(environment.system).toBe('system:default/payments');
  });

  it('names every field that differs from the declaration and creates nothing', async () => {
    const { service, store, gateway } = await setup();
    const attempt = service.create(alice, {
      name: 'payments-staging',
      type: 'development',
      owner: 'group:default/other',
      promotesTo: 'payments-prod',
    });
    await expect(attempt).rejects.toMatchObject({ name: 'ConflictError' });
    await expect(attempt).rejects.toThrow(
      /declared in the catalog with type "staging" \(request: "development"\), owner "group:default\/payments" \(request: "group:default\/other"\)/,
    );
    expect(await store.listEnvironments()).toEqual([]);
    expect(gateway.objects.size).toBe(0);
  });

  it('refuses a bad name with a 400 naming it, without asking the catalog', async () => {
    const { service } = await setup();
    for (const name of ['', 'emoji-💥', 'Team_A']) {
      await expect(
        service.create(alice, {
          name,
          type: 'staging',
          owner: 'group:default/payments',
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        errors: [{ field: 'name' }],
      });
    }
  });

  it('answers 404 for a name the catalog does not declare', async () => {
    const { service } = await setup();
    await expect(
      service.provisionDeclared(alice, 'nowhere'),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('changes promotesTo and system with PATCH, and removes them with null', async () => {
    const { service } = await setup([]);
    await service.create(alice, {
      name: 'team-a-dev',
      type: 'development',
      owner: 'group:default/payments',
    });
    const changed = await service.update(alice, 'team-a-dev', {
      promotesTo: 'payments-staging',
      system: 'payments',
    });
    expect(changed).toMatchObject({
      promotesTo: 'environment:default/payments-staging',
      system: 'system:default/payments',
    });
    const cleared = await service.update(alice, 'team-a-dev', {
      promotesTo: null,
    });
    expect(cleared.promotesTo).toBeUndefined();
    expect(cleared.system).toBe('system:default/payments');
    await expect(
      service.update(alice, 'team-a-dev', { promotesTo: 'component:x' }),
    ).rejects.toThrow('promotesTo must refer to an environment');
  });
});
