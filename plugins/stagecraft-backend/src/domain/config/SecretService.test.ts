import knexFactory from 'knex';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, AuditEvent, Clock } from '../ports';
import { withSecretRefs } from '../deployments/DeploymentService';
import { SecretService } from './SecretService';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const CANARY = 'canary-5f1d0e8a-never-show-me';

async function setup(allow = () => true) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  await store.putEnvironment({
    name: 'app-dev',
    type: 'development',
    tier: 'development',
    cluster: 'local',
    namespace: 'app-dev',
    owner: 'group:default/team-a',
    quota: { cpu: '1', memory: '1Gi', pods: 1 },
    phase: 'Ready',
    createdBy: 'x',
    createdAt: 'x',
    updatedAt: 'x',
  });
  const gateway = new InMemoryClusterGateway(['local']);
  const audits: AuditEvent[] = [];
  const clock: Clock = {
    now: () => new Date('2026-11-24T10:00:00Z'),
    sleep: async () => {},
  };
  const service = new SecretService({
    gateway,
    store,
    environments: store,
    authorizer: {
      authorize: async (_a, _b, r) => (r ?? [undefined]).map(allow),
    },
    auditor: { record: async e => void audits.push(e) },
    clock,
  });
  return { service, gateway, audits, knex };
}

const scope = { environment: 'app-dev', component: 'component:default/app' };
const secret = (gateway: InMemoryClusterGateway) =>
  gateway.get('local', {
    apiVersion: 'v1',
    kind: 'Secret',
    name: 'app-secrets',
    namespace: 'app-dev',
  });

describe('SecretService', () => {
  it('writes the value only into the Kubernetes Secret; everything else sees key, version and fingerprint', async () => {
    const { service, gateway, audits, knex } = await setup();
    const info = await service.set(bob, {
      ...scope,
      key: 'API_TOKEN',
      value: CANARY,
    });
    expect(info).toEqual({
      key: 'API_TOKEN',
      version: 1,
      hash: expect.stringMatching(/^[0-9a-f]{12}$/),
      updatedBy: 'user:default/bob',
      updatedAt: '2026-11-24T10:00:00.000Z',
    });
    expect(((await secret(gateway)) as any).data.API_TOKEN).toBe(
      Buffer.from(CANARY).toString('base64'),
    );
    const rotated = await service.set(bob, {
      ...scope,
      key: 'API_TOKEN',
      value: `${CANARY}-2`,
    });
    expect(rotated.version).toBe(2);
    expect(rotated.hash).not.toBe(info.hash);
    expect(await service.list(bob, scope)).toEqual([rotated]);
    // nowhere in the database or the audit trail, in clear or base64
    const rows = JSON.stringify(
      await knex.select('*').from('stagecraft_config_versions'),
    );
    for (const haystack of [
      rows,
      JSON.stringify(audits),
      JSON.stringify(info),
      JSON.stringify(rotated),
    ]) {
      expect(haystack).not.toContain(CANARY);
      expect(haystack).not.toContain(Buffer.from(CANARY).toString('base64'));
    }
  });

  it("answers and audits the API server's warnings on the Secret's writes, never the value", async () => {
    const { service, gateway, audits } = await setup();
    gateway.warnings = o =>
      o.kind === 'Secret' ? ['metadata.finalizers: "x" is deprecated'] : [];
    const info = await service.set(bob, {
      ...scope,
      key: 'API_TOKEN',
      value: CANARY,
    });
    // the labels' apply and the key's merge patch warned the same: said once
    expect(info.warnings).toEqual([
      'Secret/app-secrets: metadata.finalizers: "x" is deprecated',
    ]);
    expect(audits.at(-1)?.details).toEqual({
      key: 'API_TOKEN',
      version: 1,
      warnings: info.warnings,
    });
    expect(JSON.stringify([info, audits])).not.toContain(CANARY);
    // what is kept of the key carries no warnings
    expect((await service.list(bob, scope))[0]).not.toHaveProperty('warnings');
  });

  it('deletes a key, and refuses bad input without echoing the value', async () => {
    const { service, gateway } = await setup();
    await service.set(bob, { ...scope, key: 'A', value: 'x' });
    await service.set(bob, { ...scope, key: 'B', value: 'y' });
    await service.delete(bob, { ...scope, key: 'A' });
    expect(Object.keys(((await secret(gateway)) as any).data)).toEqual(['B']);
    expect((await service.list(bob, scope)).map(k => k.key)).toEqual(['B']);
    const error = await service
      .set(bob, { ...scope, key: 'bad-key', value: '' })
      .catch(e => e);
    expect(error.errors.map((e: { field: string }) => e.field)).toEqual([
      'key',
      'value',
    ]);
    await expect(
      service.delete(bob, { ...scope, key: 'A' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('needs stagecraft.secret.update (403, nothing written)', async () => {
    const { service, gateway } = await setup(() => false);
    await expect(
      service.set(bob, { ...scope, key: 'A', value: CANARY }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(gateway.calls).toEqual([]);
  });

  it('deploys reference keys with secretKeyRef and roll pods when a key rotates', async () => {
    const { service } = await setup();
    await service.set(bob, { ...scope, key: 'API_TOKEN', value: CANARY });
    const refs = await service.forDeploy('component:default/app', {
      name: 'app-dev',
    } as any);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app' },
      spec: {
        template: {
          metadata: {},
          spec: {
            containers: [{ name: 'main', env: [{ name: 'A', value: '1' }] }],
          },
        },
      },
    };
    const [out] = withSecretRefs([deployment], refs) as any[];
    expect(out.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      {
        name: 'API_TOKEN',
        valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'API_TOKEN' } },
      },
    ]);
    await service.set(bob, {
      ...scope,
      key: 'API_TOKEN',
      value: `${CANARY}-2`,
    });
    const after = await service.forDeploy('component:default/app', {
      name: 'app-dev',
    } as any);
    expect(after.version).not.toBe(refs.version);
    expect(JSON.stringify(out)).not.toContain(CANARY);
  });
});
