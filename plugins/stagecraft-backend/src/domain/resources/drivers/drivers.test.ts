import type {
  ResourceCluster,
  ResourceDriverContext,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { InMemoryClusterGateway } from '../../../__testUtils__/InMemoryClusterGateway';
import { claimDriver } from './claim';
import { existingDriver } from './existing';
import { manifestsDriver } from './manifests';

const NS = 'team-dev';

/** A driver context on the in-memory gateway (the port's fake). */
function contextFor(
  gateway: InMemoryClusterGateway,
  driver: string,
  params: Record<string, unknown>,
  request: Record<string, unknown> = {},
): ResourceDriverContext {
  const at = (ref: { apiVersion: string; kind: string; name: string }) => ({
    ...ref,
    namespace: NS,
  });
  const cluster: ResourceCluster = {
    apply: objects =>
      gateway.apply(
        'local',
        objects.map(o => ({
          ...o,
          metadata: { ...o.metadata, namespace: NS },
        })),
      ),
    createIfAbsent: o =>
      gateway.create('local', {
        ...o,
        metadata: { ...o.metadata, namespace: NS },
      }),
    mergePatch: async (ref, patch) => {
      await gateway.mergePatch('local', at(ref), patch);
    },
    get: ref => gateway.get('local', at(ref)),
    delete: ref => gateway.delete('local', at(ref)),
  };
  return {
    resource: {
      name: 'orders-db',
      type: 'postgres',
      class: 'default',
      params: request,
    },
    definition: { id: 'def', driver, params },
    environment: {
      name: 'team-dev',
      namespace: NS,
      cluster: 'local',
      tier: 'development',
      type: 'development',
    },
    labels: { 'stagecraft.io/resource': 'orders-db' },
    annotations: {},
    cluster,
    onProgress: () => {},
  };
}

describe('claim driver', () => {
  const params = {
    apiVersion: 'database.example.org/v1alpha1',
    kind: 'PostgreSQLInstance',
    spec: { parameters: { storageGB: '{{ params.storageGB }}' } },
    defaults: { storageGB: 20 },
    outputs: {
      host: { secretKey: 'endpoint' },
      uri: { secretKey: 'uri' },
      engine: 'postgres-{{ params.storageGB }}',
    },
  };

  it('applies one claim writing its connection Secret, ready on its Ready condition', async () => {
    const gateway = new InMemoryClusterGateway();
    const ctx = contextFor(gateway, 'claim', params, { storageGB: 50 });
    expect(await claimDriver.provision(ctx)).toEqual([
      {
        apiVersion: 'database.example.org/v1alpha1',
        kind: 'PostgreSQLInstance',
        name: 'orders-db',
      },
    ]);
    const ref = {
      apiVersion: 'database.example.org/v1alpha1',
      kind: 'PostgreSQLInstance',
      name: 'orders-db',
      namespace: NS,
    };
    const claim = (await gateway.get('local', ref)) as any;
    expect(claim.spec).toEqual({
      parameters: { storageGB: 50 },
      writeConnectionSecretToRef: { name: 'orders-db-conn' },
    });
    expect(claim.metadata.labels).toEqual({
      'stagecraft.io/resource': 'orders-db',
    });
    expect(await claimDriver.status(ctx)).toEqual({
      ready: false,
      message: 'PostgreSQLInstance/orders-db: waiting for condition Ready',
    });
    claim.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect(await claimDriver.status(ctx)).toEqual({ ready: true });
    expect(await claimDriver.outputs(ctx)).toEqual({
      host: { secretKeyRef: { name: 'orders-db-conn', key: 'endpoint' } },
      uri: { secretKeyRef: { name: 'orders-db-conn', key: 'uri' } },
      engine: 'postgres-50',
    });
    await claimDriver.deprovision(ctx);
    expect(await gateway.get('local', ref)).toBeUndefined();
  });

  it('reports the condition reason while not ready', async () => {
    const gateway = new InMemoryClusterGateway();
    const ctx = contextFor(gateway, 'claim', params);
    await claimDriver.provision(ctx);
    const claim = (await gateway.get('local', {
      apiVersion: 'database.example.org/v1alpha1',
      kind: 'PostgreSQLInstance',
      name: 'orders-db',
      namespace: NS,
    })) as any;
    claim.status = {
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Creating',
          message: 'provisioning',
        },
      ],
    };
    expect(await claimDriver.status(ctx)).toEqual({
      ready: false,
      message:
        'PostgreSQLInstance/orders-db: waiting for condition Ready (Creating: provisioning)',
    });
  });
});

describe('existing driver', () => {
  it('creates nothing; Secret keys become secretKeyRefs and ConfigMap keys values', async () => {
    const gateway = new InMemoryClusterGateway();
    gateway.seed('local', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'db-endpoint', namespace: NS },
      data: { host: 'db.prod.internal', port: '5432' },
    });
    const ctx = contextFor(gateway, 'existing', {
      secretName: '{{ name }}-credentials',
      configMapName: 'db-endpoint',
      outputs: {
        host: { configMapKey: 'host' },
        port: { configMapKey: 'port' },
        uri: { secretKey: 'uri' },
      },
    });
    gateway.calls.length = 0;
    expect(await existingDriver.provision(ctx)).toEqual([]);
    expect(await existingDriver.outputs(ctx)).toEqual({
      host: 'db.prod.internal',
      port: '5432',
      uri: { secretKeyRef: { name: 'orders-db-credentials', key: 'uri' } },
    });
    expect(await existingDriver.status(ctx)).toEqual({
      ready: true,
      message:
        'Secret/orders-db-credentials is not verified (Stagecraft may not read Secrets)',
    });
    await existingDriver.deprovision(ctx);
    expect(gateway.calls).toEqual([]);
  });

  it('is not ready, and has no outputs, while its ConfigMap is missing', async () => {
    const gateway = new InMemoryClusterGateway();
    const ctx = contextFor(gateway, 'existing', {
      configMapName: 'db-endpoint',
      outputs: { host: { configMapKey: 'host' } },
    });
    expect(await existingDriver.status(ctx)).toEqual({
      ready: false,
      message: 'ConfigMap/db-endpoint does not exist',
    });
    await expect(existingDriver.outputs(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'ConfigMap db-endpoint does not exist in namespace team-dev',
      ),
    });
  });
});

describe('manifests driver', () => {
  const inline = {
    manifests: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: '{{ name }}-settings' },
        data: { size: '{{ params.size }}', env: '{{ environment }}' },
      },
    ],
    secret: { generate: ['token'], data: { token: '{{ generated.token }}' } },
    outputs: { settings: '{{ name }}-settings', token: { secretKey: 'token' } },
    defaults: { size: 'small' },
  };

  it('renders an inline template; the generated Secret is created once', async () => {
    const gateway = new InMemoryClusterGateway();
    const ctx = contextFor(gateway, 'manifests', inline, { size: 'large' });
    await manifestsDriver.provision(ctx);
    const secretRef = {
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'orders-db',
      namespace: NS,
    };
    const token = ((await gateway.get('local', secretRef)) as any).stringData
      .token;
    await manifestsDriver.provision(ctx);
    expect(
      ((await gateway.get('local', secretRef)) as any).stringData.token,
    ).toBe(token);
    expect(
      (
        (await gateway.get('local', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'orders-db-settings',
          namespace: NS,
        })) as any
      ).data,
    ).toEqual({ size: 'large', env: 'team-dev' });
    expect(await manifestsDriver.outputs(ctx)).toEqual({
      settings: 'orders-db-settings',
      token: { secretKeyRef: { name: 'orders-db', key: 'token' } },
    });
    expect(await manifestsDriver.status(ctx)).toEqual({ ready: true });
    await manifestsDriver.deprovision(ctx);
    expect(await gateway.get('local', secretRef)).toBeUndefined();
  });

  it('names an undefined template variable and the definition', async () => {
    const gateway = new InMemoryClusterGateway();
    const ctx = contextFor(gateway, 'manifests', {
      ...inline,
      outputs: { x: '{{ params.nope }}' },
    });
    await expect(manifestsDriver.outputs(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'resource definition "def": params.outputs.x references {{ params.nope }}, which is not defined',
      ),
    });
  });

  it('validates params at start-up', () => {
    expect(
      manifestsDriver.validate!({ template: 'postgres', manifests: [] }),
    ).toEqual(['manifests cannot be combined with template']);
    expect(
      manifestsDriver.validate!({
        manifests: [{ kind: 'X' }],
        outputs: { a: { nope: 1 } },
      }),
    ).toEqual([
      'manifests[0] must have apiVersion, kind and metadata.name',
      'outputs.a must be a string or one of { secretKey: <key> }',
    ]);
  });
});
