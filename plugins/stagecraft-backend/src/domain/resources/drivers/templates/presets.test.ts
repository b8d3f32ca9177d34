import type { ResourceDriverContext } from '@stagecraft/backstage-plugin-stagecraft-node';
import { InMemoryClusterGateway } from '../../../../__testUtils__/InMemoryClusterGateway';
import { manifestsDriver } from '../manifests';
import { MANIFEST_PRESETS } from '../presets';

const NS = 'team-dev';

/** A driver context for a preset on the in-memory gateway (the port's fake). */
function presetContext(
  template: string,
  request: Record<string, unknown> = {},
  options: {
    gateway?: InMemoryClusterGateway;
    ingressHostPattern?: string;
    defaults?: Record<string, unknown>;
  } = {},
): ResourceDriverContext {
  const gateway = options.gateway ?? new InMemoryClusterGateway();
  const placed = <T extends { metadata: object }>(o: T) => ({
    ...o,
    metadata: { ...o.metadata, namespace: NS },
  });
  const at = (ref: { apiVersion: string; kind: string; name: string }) => ({
    ...ref,
    namespace: NS,
  });
  return {
    resource: {
      name: `shop-${template}`,
      type: template,
      class: 'default',
      params: request,
    },
    definition: {
      id: `${template}-preset`,
      driver: 'manifests',
      params: {
        template,
        ...(options.defaults && { defaults: options.defaults }),
      },
    },
    environment: {
      name: 'team-dev',
      namespace: NS,
      cluster: 'local',
      tier: 'development',
      type: 'development',
      ...(options.ingressHostPattern && {
        ingressHostPattern: options.ingressHostPattern,
      }),
    },
    labels: {},
    annotations: { 'stagecraft.io/requested-by': 'component:default/shop' },
    cluster: {
      apply: objects => gateway.apply('local', objects.map(placed)),
      createIfAbsent: o => gateway.create('local', placed(o)),
      mergePatch: async (ref, patch) => {
        await gateway.mergePatch('local', at(ref), patch);
      },
      get: ref => gateway.get('local', at(ref)),
      delete: ref => gateway.delete('local', at(ref)),
    },
    onProgress: () => {},
  };
}

/** The outputs score-k8s's default provisioners document, per type. */
const SCORE_K8S_OUTPUTS: Record<string, string[]> = {
  postgres: ['host', 'port', 'name', 'database', 'username', 'password'],
  mysql: ['host', 'port', 'name', 'database', 'username', 'password'],
  redis: ['host', 'port', 'username', 'password'],
  mongodb: ['host', 'port', 'username', 'password', 'connection'],
  amqp: ['host', 'port', 'vhost', 'username', 'password'],
  s3: [
    'bucket',
    'access_key_id',
    'secret_key',
    'endpoint',
    'region',
    'aws_access_key_id',
    'aws_secret_key',
  ],
  'kafka-topic': ['host', 'port', 'name', 'num_partitions'],
  mssql: ['server', 'port', 'connection', 'database', 'username', 'password'],
  // score-compose's (score-k8s has no elasticsearch provisioner)
  elasticsearch: ['host', 'port', 'username', 'password'],
  dns: ['host'],
  'service-port': ['hostname', 'port'],
};

const REQUEST: Record<string, Record<string, unknown>> = {
  route: { port: 80 },
  'http-route': { port: 80, gateway: 'shared' },
  'service-port': { workload: 'catalogue', port: 8080 },
};

describe('manifests presets', () => {
  it.each(Object.keys(SCORE_K8S_OUTPUTS))(
    '%s has the outputs score-k8s documents',
    async type => {
      const outputs = await manifestsDriver.outputs(
        presetContext(type, REQUEST[type], {
          ingressHostPattern: '{component}.{environment}.example.test',
        }),
      );
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining(SCORE_K8S_OUTPUTS[type]),
      );
    },
  );

  it.each(Object.keys(MANIFEST_PRESETS))(
    '%s: every pod template runs as non-root with seccomp and no capabilities; passwords are only secret outputs',
    async type => {
      const gateway = new InMemoryClusterGateway();
      const ctx = presetContext(type, REQUEST[type], {
        gateway,
        ingressHostPattern: '{component}.{environment}.example.test',
      });
      const refs = await manifestsDriver.provision(ctx);
      const live = (await Promise.all(
        refs.map(ref => gateway.get('local', { ...ref, namespace: NS })),
      )) as any[];
      const pods = live
        .filter(o => o.kind === 'StatefulSet' || o.kind === 'Job')
        .map(o => o.spec.template.spec);
      const restricted = {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      };
      expect(pods.map(p => p.securityContext)).toEqual(
        pods.map(() =>
          expect.objectContaining({
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        ),
      );
      const containers = pods.flatMap(p => p.containers);
      expect(containers.map(c => c.securityContext)).toEqual(
        containers.map(() => restricted),
      );
      // what holds a password or key is never a plain value
      const outputs = await manifestsDriver.outputs(ctx);
      const secretish = Object.entries(outputs).filter(([name]) =>
        ['password', 'secret_key', 'connection', 'uri'].includes(name),
      );
      expect(secretish.filter(([, v]) => typeof v === 'string')).toEqual([]);
    },
  );

  it('kafka-topic and s3 make their topic/bucket with a Job; params override', async () => {
    const gateway = new InMemoryClusterGateway();
    await manifestsDriver.provision(
      presetContext(
        'kafka-topic',
        { topic: 'orders', partitions: 6 },
        { gateway },
      ),
    );
    const job = (await gateway.get('local', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'shop-kafka-topic-topic',
      namespace: NS,
    })) as any;
    expect(job.spec.template.spec.containers[0].command[2]).toContain(
      '--topic=orders --partitions=6',
    );
    await manifestsDriver.provision(
      presetContext('s3', { bucket: 'uploads' }, { gateway }),
    );
    const bucket = (await gateway.get('local', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'shop-s3-bucket',
      namespace: NS,
    })) as any;
    expect(bucket.spec.template.spec.containers[0].command[2]).toContain(
      'mc mb --ignore-existing s3/uploads',
    );
  });

  describe('service-port', () => {
    it('resolves a named port from the live Service of the other workload', async () => {
      const gateway = new InMemoryClusterGateway();
      gateway.seed('local', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'catalogue', namespace: NS },
        spec: { ports: [{ name: 'api', port: 9090, targetPort: 8080 }] },
      } as any);
      const ctx = presetContext(
        'service-port',
        { workload: 'catalogue', port: 'api' },
        { gateway },
      );
      await manifestsDriver.provision(ctx);
      expect(await manifestsDriver.outputs(ctx)).toEqual({
        hostname: 'catalogue',
        host: 'catalogue',
        port: '9090',
      });
      expect(await manifestsDriver.status(ctx)).toEqual({ ready: true });
      await expect(
        manifestsDriver.outputs(
          presetContext(
            'service-port',
            { workload: 'catalogue', port: 'grpc' },
            { gateway },
          ),
        ),
      ).rejects.toThrow(
        'params.port "grpc" is not a port of workload catalogue (its ports: api)',
      );
      await expect(
        manifestsDriver.outputs(
          presetContext(
            'service-port',
            { workload: 'ghost', port: 'api' },
            { gateway },
          ),
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('requires workload and port, naming the param', async () => {
      await expect(
        manifestsDriver.outputs(presetContext('service-port', { port: 80 })),
      ).rejects.toMatchObject({
        errors: [
          expect.objectContaining({ field: 'resources.params.workload' }),
        ],
      });
    });
  });

  describe('route and dns', () => {
    const pattern = '{component}.{environment}.apps.example.test';

    it('route: an Ingress to the component Service under the ingressHostPattern', async () => {
      const gateway = new InMemoryClusterGateway();
      const ctx = presetContext(
        'route',
        { port: 8080, path: '/api' },
        { gateway, ingressHostPattern: pattern },
      );
      await manifestsDriver.provision(ctx);
      const ingress = (await gateway.get('local', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        name: 'shop-route',
        namespace: NS,
      })) as any;
      expect(ingress.spec.rules[0]).toEqual({
        host: 'shop.team-dev.apps.example.test',
        http: {
          paths: [
            {
              path: '/api',
              pathType: 'Prefix',
              backend: { service: { name: 'shop', port: { number: 8080 } } },
            },
          ],
        },
      });
      expect(await manifestsDriver.outputs(ctx)).toEqual({
        host: 'shop.team-dev.apps.example.test',
        path: '/api',
        url: 'http://shop.team-dev.apps.example.test/api',
      });
    });

    it("http-route: a Gateway API HTTPRoute on the configured Gateway, with route's outputs", async () => {
      const gateway = new InMemoryClusterGateway();
      const ctx = presetContext(
        'http-route',
        { port: 8080, path: '/api' },
        {
          gateway,
          ingressHostPattern: pattern,
          // the platform engineer's definition names the Gateway
          defaults: { gateway: 'shared', gatewayNamespace: 'gateways' },
        },
      );
      await manifestsDriver.provision(ctx);
      const route = (await gateway.get('local', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        name: 'shop-http-route',
        namespace: NS,
      })) as any;
      expect(route.spec).toEqual({
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'shared',
            namespace: 'gateways',
          },
        ],
        hostnames: ['shop.team-dev.apps.example.test'],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
            backendRefs: [{ name: 'shop', port: 8080 }],
          },
        ],
      });
      expect(await manifestsDriver.outputs(ctx)).toEqual({
        host: 'shop.team-dev.apps.example.test',
        path: '/api',
        url: 'http://shop.team-dev.apps.example.test/api',
      });
    });

    it('http-route: needs a Gateway, named as the param', async () => {
      await expect(
        manifestsDriver.provision(
          presetContext(
            'http-route',
            { port: 8080 },
            { ingressHostPattern: pattern },
          ),
        ),
      ).rejects.toMatchObject({
        errors: [
          expect.objectContaining({ field: 'resources.params.gateway' }),
        ],
      });
    });

    it('dns: the component host; empty without a pattern', async () => {
      expect(
        await manifestsDriver.outputs(
          presetContext('dns', {}, { ingressHostPattern: pattern }),
        ),
      ).toEqual({ host: 'shop.team-dev.apps.example.test' });
      expect(await manifestsDriver.outputs(presetContext('dns'))).toEqual({
        host: '',
      });
    });
  });

  it('environment: every configured default is an output, requests may override', async () => {
    expect(
      await manifestsDriver.outputs(
        presetContext(
          'environment',
          { LOG_LEVEL: 'info' },
          { defaults: { LOG_LEVEL: 'debug', REGION: 'eu-1' } },
        ),
      ),
    ).toEqual({
      LOG_LEVEL: 'info',
      REGION: 'eu-1',
      environment: 'team-dev',
      namespace: NS,
    });
  });
});
