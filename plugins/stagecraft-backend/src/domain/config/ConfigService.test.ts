import knexFactory from 'knex';
import type { ConfigValue } from '@stagecraft/backstage-plugin-stagecraft-common';
import { DatabaseStore } from '../../store/DatabaseStore';
import type {
  Actor,
  AuditEvent,
  Clock,
  EnvironmentRecord,
  WorkloadSource,
} from '../ports';
import { ConfigService } from './ConfigService';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const env = (name: string, type: string): EnvironmentRecord => ({
  name,
  type,
  tier: type as never,
  cluster: 'local',
  namespace: name,
  owner: 'group:default/team-a',
  quota: { cpu: '1', memory: '1Gi', pods: 1 },
  phase: 'Ready',
  createdBy: 'x',
  createdAt: 'x',
  updatedAt: 'x',
});

async function setup(allow = () => true, configSchema?: unknown) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  await store.putEnvironment(env('app-dev', 'development'));
  await store.putEnvironment(env('app-staging', 'staging'));
  const audits: AuditEvent[] = [];
  const clock: Clock = {
    now: () => new Date('2026-11-24T10:00:00Z'),
    sleep: async () => {},
  };
  const workloads: WorkloadSource = {
    component: async ref => ({
      ref,
      name: 'app',
      kubernetesId: 'app',
      ...(configSchema ? { configSchema } : {}),
    }),
    workload: async () => ({ text: '', source: '' }),
  };
  const service = new ConfigService({
    store,
    environments: store,
    workloads,
    authorizer: {
      authorize: async (_a, _b, r) => (r ?? [undefined]).map(allow),
    },
    auditor: { record: async e => void audits.push(e) },
    clock,
    typeValues: (type): Record<string, ConfigValue> =>
      type === 'development'
        ? { LOG_LEVEL: 'info', REGION: 'eu' }
        : { LOG_LEVEL: 'warn' },
  });
  return { service, audits };
}

const app = 'component:default/app';

describe('ConfigService', () => {
  it('merges type → environment → component layers, versioned, and only for that environment', async () => {
    const { service, audits } = await setup();
    await service.set(bob, {
      environment: 'app-dev',
      values: { REGION: 'us', TIMEOUT: 30 },
    });
    const result = await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { LOG_LEVEL: 'debug', FEATURES: { beta: true } },
      message: 'debug the checkout',
    });
    expect(result.version).toMatchObject({
      version: 1,
      actor: 'user:default/bob',
      changed: ['FEATURES', 'LOG_LEVEL'],
      message: 'debug the checkout',
    });
    expect(result.changes).toEqual([
      { key: 'FEATURES', after: { beta: true } },
      { key: 'LOG_LEVEL', before: 'info', after: 'debug' },
    ]);
    // the answer names the version it wrote, as a GET does afterwards
    expect(result.effective.version).toBe('env1.cmp1');
    const dev = await service.get(bob, {
      environment: 'app-dev',
      component: app,
    });
    expect(dev.values).toEqual({
      FEATURES: { beta: true },
      LOG_LEVEL: 'debug',
      REGION: 'us',
      TIMEOUT: 30,
    });
    expect(dev.version).toBe('env1.cmp1');
    expect(
      (await service.get(bob, { environment: 'app-staging', component: app }))
        .values,
    ).toEqual({ LOG_LEVEL: 'warn' });
    // audit carries keys, never values
    expect(JSON.stringify(audits)).not.toContain('debug');
  });

  it('a dry run returns the diff and stores nothing; the same values again make no version', async () => {
    const { service } = await setup();
    const dry = await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { LOG_LEVEL: 'debug' },
      dryRun: true,
    });
    expect(dry).toMatchObject({
      dryRun: true,
      changes: [{ key: 'LOG_LEVEL', before: 'info', after: 'debug' }],
    });
    expect(
      await service.history(bob, { environment: 'app-dev', component: app }),
    ).toEqual([]);
    await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { LOG_LEVEL: 'debug' },
    });
    const again = await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { LOG_LEVEL: 'debug' },
    });
    expect(again.changes).toEqual([]);
    expect(
      await service.history(bob, { environment: 'app-dev', component: app }),
    ).toHaveLength(1);
  });

  it('removes keys with null and rolls back to an earlier version as a new one', async () => {
    const { service } = await setup();
    await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { A: '1' },
    });
    await service.set(bob, {
      environment: 'app-dev',
      component: app,
      values: { A: null, B: '2' },
    });
    const back = await service.rollback(bob, {
      environment: 'app-dev',
      component: app,
      version: 1,
    });
    expect(back.version).toMatchObject({
      version: 3,
      values: { A: '1' },
      message: 'roll back to version 1',
    });
    expect(
      (
        await service.history(bob, { environment: 'app-dev', component: app })
      ).map(v => v.changed),
    ).toEqual([['A', 'B'], ['A', 'B'], ['A']]);
  });

  it('refuses values against the component schema with a 400 naming the key, changing nothing', async () => {
    const schema = {
      type: 'object',
      properties: {
        LOG_LEVEL: { enum: ['debug', 'info', 'warn'] },
        TIMEOUT: { type: 'number' },
      },
    };
    const { service } = await setup(() => true, schema);
    const error = await service
      .set(bob, {
        environment: 'app-dev',
        component: app,
        values: { LOG_LEVEL: 'loud', TIMEOUT: 'soon' },
      })
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'values.LOG_LEVEL',
      'values.TIMEOUT',
    ]);
    expect(
      await service.history(bob, { environment: 'app-dev', component: app }),
    ).toEqual([]);
  });

  it('names bad keys and fields, and checks permission (403) before reading anything', async () => {
    const { service } = await setup();
    const error = await service
      .set(bob, { environment: 'app-dev', values: { 'bad-key': 1 }, colour: 1 })
      .catch(e => e);
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'values.bad-key',
    ]);
    const denied = await setup(() => false);
    await expect(
      denied.service.set(bob, { environment: 'app-dev', values: { A: 1 } }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(denied.audits).toEqual([
      expect.objectContaining({ action: 'config.update', outcome: 'failed' }),
    ]);
  });
});
