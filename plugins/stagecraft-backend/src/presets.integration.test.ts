// The provisioner catalogue on the real local control plane: one workload
// asks for mysql, amqp, mongodb, kafka-topic, s3, mssql, elasticsearch,
// route, service-port, dns and environment in a development environment;
// every preset's objects pass
// the server-side Pod Security (restricted) and exposure checks, exist, and
// the Deployment's variables resolve to their outputs.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  V1EnvVar,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(300_000);

const admin = kubeconfig('admin');
const apps = admin.makeApiClient(AppsV1Api);
const batch = admin.makeApiClient(BatchV1Api);
const core = admin.makeApiClient(CoreV1Api);
const networking = admin.makeApiClient(NetworkingV1Api);
const custom = admin.makeApiClient(CustomObjectsApi);

const DEV = 'presets-dev';
const PATTERN = '{component}.{environment}.apps.example.test';

const catalog = ['store', 'catalogue']
  .map(
    name => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`,
  )
  .join('---\n');

const TYPES = [
  'mysql',
  'mongodb',
  'amqp',
  'kafka-topic',
  's3',
  'mssql',
  'elasticsearch',
  'route',
  'service-port',
  'dns',
  'environment',
];

const definitions = [
  ...TYPES.map(type => ({
    id: `${type}-preset`,
    type,
    driver: 'manifests',
    params: {
      template: type,
      ...(type === 'environment' && { defaults: { LOG_LEVEL: 'debug' } }),
    },
  })),
  // route of class gateway: an HTTPRoute (dev/cluster serves Gateway API's
  // CRDs) on the platform's Gateway
  {
    id: 'route-gateway',
    type: 'route',
    class: 'gateway',
    driver: 'manifests',
    params: {
      template: 'http-route',
      defaults: { gateway: 'shared', gatewayNamespace: 'gateway-system' },
    },
  },
];

const store = {
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'store' },
  containers: {
    main: {
      image: 'registry.example.com/acme/store:1.0.0',
      variables: {
        MYSQL_HOST: '${resources.db.host}',
        MYSQL_PORT: '${resources.db.port}',
        MYSQL_DATABASE: '${resources.db.name}',
        MYSQL_PASSWORD: '${resources.db.password}',
        MONGO_URL: '${resources.docs.connection}',
        AMQP_HOST: '${resources.queue.host}',
        AMQP_VHOST: '${resources.queue.vhost}',
        AMQP_PASSWORD: '${resources.queue.password}',
        KAFKA_BOOTSTRAP: '${resources.events.host}:${resources.events.port}',
        KAFKA_TOPIC: '${resources.events.name}',
        S3_BUCKET: '${resources.files.bucket}',
        S3_ENDPOINT: '${resources.files.endpoint}',
        AWS_ACCESS_KEY_ID: '${resources.files.aws_access_key_id}',
        AWS_SECRET_ACCESS_KEY: '${resources.files.secret_key}',
        SQL_SERVER: '${resources.sql.server}:${resources.sql.port}',
        SQL_DATABASE: '${resources.sql.database}',
        SQL_CONNECTION: '${resources.sql.connection}',
        ES_HOST: '${resources.search.host}:${resources.search.port}',
        ES_PASSWORD: '${resources.search.password}',
        PUBLIC_URL: '${resources.web.url}',
        GATEWAY_URL: '${resources.gw.url}',
        CATALOGUE_URL:
          'http://${resources.catalogue.hostname}:${resources.catalogue.port}',
        DNS_HOST: '${resources.name.host}',
        LOG_LEVEL: '${resources.env.LOG_LEVEL}',
      },
    },
  },
  service: { ports: { http: { port: 80, targetPort: 8080 } } },
  resources: {
    db: { type: 'mysql' },
    docs: { type: 'mongodb' },
    queue: { type: 'amqp' },
    events: { type: 'kafka-topic', params: { partitions: 6 } },
    files: { type: 's3' },
    sql: { type: 'mssql' },
    search: { type: 'elasticsearch' },
    // score-k8s's idiom: the route's host is the dns resource's output
    web: {
      type: 'route',
      params: { port: 80, path: '/shop', host: '${resources.name.host}' },
    },
    gw: { type: 'route', class: 'gateway', params: { port: 80, path: '/gw' } },
    catalogue: {
      type: 'service-port',
      params: { workload: 'catalogue', port: 'api' },
    },
    name: { type: 'dns' },
    env: { type: 'environment' },
  },
};

const catalogue = {
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'catalogue' },
  containers: { main: { image: 'registry.example.com/acme/catalogue:1.0.0' } },
  service: { ports: { api: { port: 9090, targetPort: 8080 } } },
};

const svc = (name: string) => `${name}.${DEV}.svc.cluster.local`;
const fromSecret = (name: string, secret: string, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

describe('the provisioner catalogue on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const logs: string[] = [];
  const api = () => request(server);
  const deploy = (component: string, workload: unknown) =>
    api()
      .post(
        `/api/stagecraft/components/${encodeURIComponent(
          `component:default/${component}`,
        )}/deploy`,
      )
      .send({ environment: DEV, workload });

  beforeAll(async () => {
    await deleteNamespace(DEV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-presets-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), catalog);
    server = await startIntegrationBackend({
      logs,
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: [
          {
            name: 'development',
            tier: 'development',
            ingressHostPattern: PATTERN,
          },
        ],
        resources: { readyTimeoutSeconds: 120, definitions },
      },
    });
    await api()
      .post('/api/stagecraft/environments')
      // room for every preset's limits (SQL Server and Elasticsearch take
      // a CPU and 2 GiB each)
      .send({
        name: DEV,
        type: 'development',
        owner: 'group:default/team-a',
        quota: { cpu: '8', memory: '16Gi' },
      })
      .expect(201);
    await eventually('the components in the catalog', async () => {
      const res = await api().get(
        '/api/catalog/entities/by-name/component/default/catalogue',
      );
      return res.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    await deleteNamespace(DEV);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploys a workload using every preset; its variables resolve to the outputs', async () => {
    const first = await deploy('catalogue', catalogue);
    expect(first.status).toBe(201);

    const res = await deploy('store', store);
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 201,
    });

    const deployment = await apps.readNamespacedDeployment({
      name: 'store',
      namespace: DEV,
    });
    const env = deployment.spec!.template.spec!.containers[0].env ?? [];
    expect([...env].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [
        { name: 'MYSQL_HOST', value: svc('store-db') },
        { name: 'MYSQL_PORT', value: '3306' },
        { name: 'MYSQL_DATABASE', value: 'app' },
        fromSecret('MYSQL_PASSWORD', 'store-db', 'password'),
        fromSecret('MONGO_URL', 'store-docs', 'connection'),
        { name: 'AMQP_HOST', value: svc('store-queue') },
        { name: 'AMQP_VHOST', value: 'app' },
        fromSecret('AMQP_PASSWORD', 'store-queue', 'password'),
        { name: 'KAFKA_BOOTSTRAP', value: `${svc('store-events')}:9092` },
        { name: 'KAFKA_TOPIC', value: 'store-events' },
        { name: 'S3_BUCKET', value: 'store-files' },
        { name: 'S3_ENDPOINT', value: `http://${svc('store-files')}:9000` },
        fromSecret('AWS_ACCESS_KEY_ID', 'store-files', 'access_key_id'),
        fromSecret('AWS_SECRET_ACCESS_KEY', 'store-files', 'secret_key'),
        { name: 'SQL_SERVER', value: `${svc('store-sql')}:1433` },
        { name: 'SQL_DATABASE', value: 'app' },
        fromSecret('SQL_CONNECTION', 'store-sql', 'connection'),
        { name: 'ES_HOST', value: `${svc('store-search')}:9200` },
        fromSecret('ES_PASSWORD', 'store-search', 'password'),
        {
          name: 'PUBLIC_URL',
          value: `http://store.${DEV}.apps.example.test/shop`,
        },
        {
          name: 'GATEWAY_URL',
          value: `http://store.${DEV}.apps.example.test/gw`,
        },
        { name: 'CATALOGUE_URL', value: 'http://catalogue:9090' },
        { name: 'DNS_HOST', value: `store.${DEV}.apps.example.test` },
        { name: 'LOG_LEVEL', value: 'debug' },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );

    // the provisioned objects exist, each pod template as Pod Security
    // restricted wants it (the server-side check let them through)
    for (const name of [
      'db',
      'docs',
      'queue',
      'events',
      'files',
      'sql',
      'search',
    ]) {
      const sts = await apps.readNamespacedStatefulSet({
        name: `store-${name}`,
        namespace: DEV,
      });
      expect(sts.status?.readyReplicas).toBe(1);
      const pod = sts.spec!.template.spec!;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.containers[0].securityContext?.capabilities?.drop).toEqual([
        'ALL',
      ]);
      await core.readNamespacedService({
        name: `store-${name}`,
        namespace: DEV,
      });
    }
    for (const name of ['db', 'docs', 'queue', 'files']) {
      const secret = await core.readNamespacedSecret({
        name: `store-${name}`,
        namespace: DEV,
      });
      expect(Object.keys(secret.data ?? {})).toContain(
        name === 'files' ? 'secret_key' : 'password',
      );
      const value = Buffer.from(
        secret.data![name === 'files' ? 'secret_key' : 'password'],
        'base64',
      ).toString('utf8');
      expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(JSON.stringify(deployment)).not.toContain(value);
      expect(JSON.stringify(res.body)).not.toContain(value);
      expect(logs.join('\n')).not.toContain(value);
    }
    const mongo = await core.readNamespacedSecret({
      name: 'store-docs',
      namespace: DEV,
    });
    expect(
      Buffer.from(mongo.data!.connection, 'base64').toString('utf8'),
    ).toMatch(
      new RegExp(
        `^mongodb://app:[A-Za-z0-9_-]{32}@${svc('store-docs')}:27017/$`,
      ),
    );
    const topicJob = await batch.readNamespacedJob({
      name: 'store-events-topic',
      namespace: DEV,
    });
    expect(
      topicJob.spec!.template.spec!.containers[0].command!.join(' '),
    ).toContain('--topic=store-events --partitions=6');
    await batch.readNamespacedJob({
      name: 'store-files-bucket',
      namespace: DEV,
    });
    // SQL Server's login is sa, its password meets the complexity rule, and
    // a Job creates the database the workload names
    const sql = await core.readNamespacedSecret({
      name: 'store-sql',
      namespace: DEV,
    });
    const sqlPassword = Buffer.from(sql.data!.password, 'base64').toString();
    expect(sqlPassword).toMatch(/^Sc1-[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(sql.data!.connection, 'base64').toString()).toBe(
      `Server=${svc(
        'store-sql',
      )},1433;Database=app;User Id=sa;Password=${sqlPassword};TrustServerCertificate=True`,
    );
    expect(logs.join('\n')).not.toContain(sqlPassword);
    const databaseJob = await batch.readNamespacedJob({
      name: 'store-sql-database',
      namespace: DEV,
    });
    expect(
      databaseJob.spec!.template.spec!.containers[0].command!.join(' '),
    ).toContain('CREATE DATABASE [app]');
    const ingress = await networking.readNamespacedIngress({
      name: 'store-web',
      namespace: DEV,
    });
    expect(ingress.spec!.rules).toEqual([
      {
        host: `store.${DEV}.apps.example.test`,
        http: {
          paths: [
            {
              path: '/shop',
              pathType: 'Prefix',
              backend: { service: { name: 'store', port: { number: 80 } } },
            },
          ],
        },
      },
    ]);
    const route = (await custom.getNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace: DEV,
      plural: 'httproutes',
      name: 'store-gw',
    })) as { spec: unknown };
    expect(route.spec).toMatchObject({
      parentRefs: [
        expect.objectContaining({
          name: 'shared',
          namespace: 'gateway-system',
        }),
      ],
      hostnames: [`store.${DEV}.apps.example.test`],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/gw' } }],
          backendRefs: [expect.objectContaining({ name: 'store', port: 80 })],
        },
      ],
    });
  });

  it('refuses a route host outside the ingressHostPattern, and a service-port without a workload, naming the field', async () => {
    const attempt = (resources: Record<string, unknown>) =>
      deploy('store', {
        ...store,
        containers: { main: { image: 'registry.example.com/acme/store:2' } },
        resources,
      });
    const host = await attempt({
      web: { type: 'route', params: { port: 80, host: 'evil.example.com' } },
    });
    expect(host.status).toBe(400);
    expect(host.body.error.message).toContain(
      `"evil.example.com" is not under ${PATTERN}`,
    );
    const workload = await attempt({
      catalogue: { type: 'service-port', params: { port: 'api' } },
    });
    expect(workload.status).toBe(400);
    expect(workload.body.error.message).toContain(
      'params.workload is required',
    );
    // nothing changed: the Deployment still runs the first image
    const deployment = await apps.readNamespacedDeployment({
      name: 'store',
      namespace: DEV,
    });
    expect(deployment.spec!.template.spec!.containers[0].image).toBe(
      'registry.example.com/acme/store:1.0.0',
    );
  });
});
