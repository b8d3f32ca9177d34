import knexFactory from 'knex';
import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import { DatabaseStore } from '../../store/DatabaseStore';
import type { Actor, AuditEvent, Clock, WorkloadSource } from '../ports';
import { EnvironmentService } from '../environments/EnvironmentService';
import { tierDefaults } from '../environments/types';
import { DeploymentService, withImage } from './DeploymentService';

const bob: Actor = { ref: 'user:default/bob', credentials: {} };
const alice: Actor = { ref: 'user:default/alice', credentials: {} };

const WORKLOAD = `
apiVersion: score.dev/v1b1
metadata:
  name: hello
containers:
  main:
    image: ghcr.io/example/hello:1.0.0
    variables:
      GREETING: hi
service:
  ports:
    http:
      port: 80
      targetPort: 8080
`;

async function setup(
  allow: (action: string, env?: string) => boolean = () => true,
  clusterError: (cluster: string) => string | undefined = () => undefined,
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  let now = Date.parse('2026-11-24T10:00:00Z');
  const clock: Clock = {
    now: () => new Date((now += 1000)),
    sleep: async () => {},
  };
  const gateway = new InMemoryClusterGateway(['local']);
  const audits: AuditEvent[] = [];
  const auditor = { record: async (e: AuditEvent) => void audits.push(e) };
  const authorizer = {
    authorize: async (_a: Actor, action: string, resources?: string[]) =>
      (resources ?? [undefined]).map(r => allow(action, r)),
  };
  const workloads: WorkloadSource = {
    component: async ref => ({
      ref,
      name: 'hello',
      kubernetesId: 'hello',
      owner: 'group:default/team-a',
    }),
    workload: async () => ({ text: WORKLOAD, source: 'hello.score.yaml' }),
  };
  const environments = new EnvironmentService({
    gateway,
    store,
    authorizer,
    auditor,
    clock,
    types: (['development', 'staging', 'production'] as const).map(t =>
      tierDefaults(t, t),
    ),
  });
  for (const [name, type, promotesTo] of [
    ['hello-dev', 'development', 'hello-staging'],
    ['hello-staging', 'staging', 'hello-prod'],
    ['hello-prod', 'production', undefined],
  ] as const) {
    await environments.create(alice, {
      name,
      type,
      owner: 'group:default/team-a',
      ...(promotesTo && { promotesTo }),
    });
  }
  gateway.calls.length = 0;
  audits.length = 0;
  const service = new DeploymentService({
    gateway,
    environments: store,
    deployments: store,
    workloads,
    // the in-memory gateway has no controllers: nothing ever runs
    observer: {
      observe: () => ({ replicaSets: [], pods: [] }),
      syncedAt: () => undefined,
      clusterError,
      subscribe: () => () => {},
    },
    authorizer,
    auditor,
    clock,
    ingressHost: (c, env) =>
      env.tier === 'staging' ? `${c}.${env.name}.apps.test` : undefined,
  });
  return { service, gateway, audits, store };
}

const deployment = (gateway: InMemoryClusterGateway, namespace: string) =>
  gateway.get('local', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'hello',
    namespace,
  });

describe('DeploymentService', () => {
  it('deploys a release, promotes the same release, rolls back, and keeps history', async () => {
    const { service, gateway, audits } = await setup();
    const v1 = await service.deploy(bob, 'hello', { environment: 'hello-dev' });
    expect(v1.release.id).toMatch(/^r-[0-9a-f]{12}$/);
    expect(v1.revision).toMatchObject({
      revision: 1,
      action: 'deploy',
      actor: 'user:default/bob',
    });
    expect(v1.diff).toContain('+++ desired/Deployment/hello');
    const dev = await deployment(gateway, 'hello-dev');
    expect(
      (dev as any).spec.template.metadata.annotations['stagecraft.io/release'],
    ).toBe(v1.release.id);

    const promoted = await service.promote(alice, 'component:default/hello', {
      from: 'hello-dev',
    });
    expect(promoted.release.id).toBe(v1.release.id);
    expect(promoted.revision).toMatchObject({
      environment: 'hello-staging',
      action: 'promote',
      from: 'hello-dev',
    });

    // staging's type gives components an Ingress host; development's does not
    const ingress = (ns: string) =>
      gateway.get('local', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        name: 'hello',
        namespace: ns,
      });
    expect((await ingress('hello-staging')) as any).toMatchObject({
      spec: { rules: [{ host: 'hello.hello-staging.apps.test' }] },
    });
    expect(await ingress('hello-dev')).toBeUndefined();

    const v2 = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
      image: '2.0.0',
    });
    expect(v2.release.image).toBe('ghcr.io/example/hello:2.0.0');
    expect(v2.release.id).not.toBe(v1.release.id);

    const back = await service.rollback(alice, 'hello', {
      environment: 'hello-dev',
    });
    expect(back.release.id).toBe(v1.release.id);
    const after = await deployment(gateway, 'hello-dev');
    expect((after as any).spec.template.spec.containers[0].image).toBe(
      'ghcr.io/example/hello:1.0.0',
    );

    const history = await service.history(bob, 'hello', 'hello-dev');
    expect(
      history.map(
        r =>
          `${r.revision} ${r.action} ${
            r.releaseId === v1.release.id ? 'v1' : 'v2'
          } ${r.actor}`,
      ),
    ).toEqual([
      '3 rollback v1 user:default/alice',
      '2 deploy v2 user:default/bob',
      '1 deploy v1 user:default/bob',
    ]);
    // each revision keeps the diff it applied
    expect(history[2].diff).toContain('+++ desired/Deployment/hello');
    expect(history[1].diff).toMatch(
      /^-\s+image: ghcr\.io\/example\/hello:1\.0\.0$/m,
    );
    expect(history[1].diff).toMatch(
      /^\+\s+image: ghcr\.io\/example\/hello:2\.0\.0$/m,
    );
    expect(
      (await service.deployments(bob, 'hello')).map(
        d => `${d.environment} ${d.revision?.revision} ${d.status.phase}`,
      ),
    ).toEqual(['hello-dev 3 missing', 'hello-staging 1 missing']);
    expect(audits.map(a => `${a.action} ${a.target} ${a.outcome}`)).toEqual([
      'deployment.deploy component:default/hello@hello-dev succeeded',
      'deployment.promote component:default/hello@hello-staging succeeded',
      'deployment.deploy component:default/hello@hello-dev succeeded',
      'deployment.rollback component:default/hello@hello-dev succeeded',
    ]);
  });

  it('a status its cluster cannot keep live carries the cluster error, naming it', async () => {
    const cluster: { error?: string } = {};
    const { service } = await setup(undefined, c =>
      c === 'local' ? cluster.error : undefined,
    );
    await service.deploy(bob, 'hello', { environment: 'hello-dev' });
    const [live] = await service.deployments(bob, 'hello');
    expect(live.status.clusterError).toBeUndefined();
    cluster.error = 'cluster local: credentials refused (401 Unauthorized) — …';
    const [stale] = await service.deployments(bob, 'hello');
    expect(stale).toMatchObject({
      environment: 'hello-dev',
      status: { phase: 'missing', clusterError: cluster.error },
    });
  });

  it('a deployment in an environment being deleted says so (not a rollout)', async () => {
    const { service, store } = await setup();
    await service.deploy(bob, 'hello', { environment: 'hello-dev' });
    const [ready] = await service.deployments(bob, 'hello');
    expect(ready.environmentPhase).toBeUndefined();
    const record = (await store.getEnvironment('hello-dev'))!;
    await store.putEnvironment({ ...record, phase: 'Deleting' });
    // the status read path may reuse its environment read for a second
    jest.useFakeTimers({
      now: Date.now() + 5_000,
      doNotFake: ['nextTick', 'setImmediate'],
    });
    try {
      const [going] = await service.deployments(bob, 'hello');
      expect(going).toMatchObject({
        environment: 'hello-dev',
        environmentPhase: 'Deleting',
      });
    } finally {
      jest.useRealTimers();
    }
  });

  it('a dry run returns the diff and creates nothing', async () => {
    const { service, gateway, store } = await setup();
    const result = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
      dryRun: true,
    });
    expect(result.dryRun).toBe(true);
    expect(result.revision).toBeUndefined();
    expect(result.diff).toMatch(
      /^--- \/dev\/null\n\+\+\+ desired\/Deployment\/hello/m,
    );
    expect(result.diff).toMatch(
      /^\+\s+image: ghcr\.io\/example\/hello:1\.0\.0$/m,
    );
    expect(gateway.calls.every(c => c.startsWith('dry-run'))).toBe(true);
    expect(await deployment(gateway, 'hello-dev')).toBeUndefined();
    expect(await store.getRelease(result.release.id)).toBeUndefined();
    expect(await service.history(bob, 'hello', 'hello-dev')).toEqual([]);
  });

  it('the same deploy twice is one release and changes nothing the second time', async () => {
    const { service } = await setup();
    const first = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
    });
    const second = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
    });
    expect(second.release).toEqual(first.release);
    expect(second.revision?.changed).toEqual([]);
    expect(second.diff).toBe('');
  });

  it('a task asking again for the change it made gets the same revision (resumed scaffolder step)', async () => {
    const { service, audits } = await setup();
    const origin = { taskId: 'task-7' };
    const first = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
      origin,
    });
    const again = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
      origin,
    });
    expect(again.revision).toEqual(first.revision);
    const other = await service.deploy(bob, 'hello', {
      environment: 'hello-dev',
      origin: { taskId: 'task-8' },
    });
    expect(other.revision?.revision).toBe(2);
    expect(audits.filter(a => a.action === 'deployment.deploy').length).toBe(2);
  });

  it('refuses to promote across a tier, down the pipeline, or what is not deployed', async () => {
    const { service } = await setup();
    await expect(
      service.promote(bob, 'hello', { from: 'hello-dev' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        'component:default/hello is not deployed in hello-dev; nothing to promote',
    });
    await service.deploy(bob, 'hello', { environment: 'hello-dev' });
    await expect(
      service.promote(bob, 'hello', { from: 'hello-dev', to: 'hello-prod' }),
    ).rejects.toThrow(
      'promoting from development (hello-dev) to production (hello-prod) skips a tier',
    );
    await service.promote(bob, 'hello', { from: 'hello-dev' });
    await expect(
      service.promote(bob, 'hello', { from: 'hello-staging', to: 'hello-dev' }),
    ).rejects.toThrow(
      'cannot promote from staging (hello-staging) down to development (hello-dev)',
    );
  });

  it('checks permission on the target environment before anything else (403, no writes)', async () => {
    const { service, gateway, audits } = await setup(
      (action, env) =>
        !(action === 'deployment.create' && env === 'hello-prod'),
    );
    await expect(
      service.deploy(bob, 'hello', { environment: 'hello-prod' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(gateway.calls).toEqual([]);
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'deployment.create',
        outcome: 'failed',
        target: 'hello-prod',
      }),
    ]);
  });

  it('names bad fields with 400s', async () => {
    const { service } = await setup();
    const error = await service
      .deploy(bob, 'hello', {
        environment: 'Hello_Dev',
        image: 'a b',
        replicas: -1,
        colour: 1,
      })
      .catch(e => e);
    expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'environment',
      'image',
      'replicas',
    ]);
    await expect(
      service.deploy(bob, 'Not a ref!', { environment: 'hello-dev' }),
    ).rejects.toThrow('component must be a component reference');
    await expect(
      service.rollback(bob, 'hello', {
        environment: 'hello-dev',
        releaseId: 'v1',
      }),
    ).rejects.toThrow('releaseId must look like "r-0123456789ab"');
  });

  it('withImage replaces a tag or the whole image', () => {
    const spec = {
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'x' },
      containers: { main: { image: 'reg:5000/team/app:1.0' } },
    } as any;
    expect(withImage(spec, '2.0').containers.main.image).toBe(
      'reg:5000/team/app:2.0',
    );
    expect(withImage(spec, 'other/app:3').containers.main.image).toBe(
      'other/app:3',
    );
    expect(withImage(spec, undefined)).toBe(spec);
  });

  it('reports fields edited outside Stagecraft as drift', async () => {
    const { service, gateway } = await setup();
    await service.deploy(bob, 'hello', { environment: 'hello-dev' });
    expect(await service.drift(bob, 'hello', 'hello-dev')).toEqual([]);
    const live = (await deployment(gateway, 'hello-dev')) as any;
    live.spec.replicas = 5;
    live.spec.template.spec.containers[0].image = 'evil/hello:latest';
    const drift = await service.drift(bob, 'hello', 'hello-dev');
    expect(drift).toEqual([
      {
        object: 'Deployment/hello',
        path: 'spec.replicas',
        expected: 1,
        actual: 5,
      },
      {
        object: 'Deployment/hello',
        path: 'spec.template.spec.containers[main].image',
        expected: 'ghcr.io/example/hello:1.0.0',
        actual: 'evil/hello:latest',
      },
    ]);
  });
});
