// Cluster access against the real local control plane (issue 21): each
// identity dev/cluster serves — a ServiceAccount token file rotated in place,
// a client certificate, an exec credential plugin through a kubeconfig
// context, a catalog-located cluster authenticated by a module's strategy —
// provisions an environment and reports a deployment's status through it.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createBackendModule } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { stagecraftClusterAuthExtensionPoint } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from '../__testUtils__/integration';
import { writeCatalog } from '../__testUtils__/reliability';

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '../../../..');
const state =
  process.env.STAGECRAFT_CLUSTER_STATE ?? path.join(root, 'dev/cluster/state');
const logs = process.env.STAGECRAFT_CLUSTER_LOGS ?? path.join(state, '../logs');
const env = { ...process.env, STAGECRAFT_CLUSTER_STATE: state };
const server = kubeconfig('stagecraft').getCurrentCluster()!.server;
const caData = kubeconfig('stagecraft').getCurrentCluster()!.caData!;
const COMPONENT = encodeURIComponent('component:default/svc');
const run = crypto.randomBytes(3).toString('hex');

/** The pinned kubectl as admin. */
const kubectl = (...args: string[]) =>
  execFileSync(
    'bash',
    [path.join(root, 'dev/cluster/cluster.sh'), 'kubectl', ...args],
    {
      env,
      encoding: 'utf8',
    },
  ).trim();

/** A token of stagecraft-system/stagecraft bound to a Secret (deleting it revokes the token). */
function boundToken(secret: string) {
  kubectl('-n', 'stagecraft-system', 'create', 'secret', 'generic', secret);
  return kubectl(
    'create',
    'token',
    'stagecraft',
    '-n',
    'stagecraft-system',
    '--bound-object-kind',
    'Secret',
    '--bound-object-name',
    secret,
  );
}

/** A client certificate of user `stagecraft` (CN), in group `group` (O), signed by the local CA. */
function clientCert(dir: string, group: string) {
  const ext = path.join(dir, 'ext.cnf');
  fs.writeFileSync(ext, 'extendedKeyUsage=clientAuth\n');
  const [key, csr, crt] = ['key', 'csr', 'crt'].map(e =>
    path.join(dir, `client.${e}`),
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/O=${group}/CN=stagecraft`,
      '-keyout',
      key,
      '-out',
      csr,
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      path.join(state, 'pki/ca.crt'),
      '-CAkey',
      path.join(state, 'pki/ca.key'),
      '-set_serial',
      `0x${crypto.randomBytes(8).toString('hex')}`,
      '-days',
      '1',
      '-extfile',
      ext,
      '-out',
      crt,
    ],
    { stdio: 'ignore' },
  );
  return { certFile: crt, keyFile: key };
}

type Server = Awaited<ReturnType<typeof startIntegrationBackend>>;

async function start(
  dir: string,
  options: Parameters<typeof startIntegrationBackend>[0],
) {
  const catalogFile = writeCatalog(dir, ['svc']);
  return startIntegrationBackend({
    ...options,
    catalog: {
      locations: [
        { type: 'file', target: catalogFile },
        ...((options?.catalog?.locations as JsonObject[]) ?? []),
      ],
      rules: [{ allow: ['Environment', 'Location', 'Component', 'Resource'] }],
    },
    stagecraft: {
      clusters: [],
      environmentTypes: [{ name: 'development', tier: 'development' }],
      ...options?.stagecraft,
    },
  });
}

const health = async (s: Server) =>
  (await request(s).get('/api/stagecraft/health').expect(200)).body;

/** Provisions `name` on `cluster`, deploys svc (image tag `tag`) and waits for the watch cache to report it complete. */
async function provisionAndDeploy(
  s: Server,
  name: string,
  cluster: string,
  tag = '1.0.0',
) {
  await eventually(
    'the component in the catalog',
    async () =>
      (
        await request(s).get(
          '/api/catalog/entities/by-name/component/default/svc',
        )
      ).status === 200 || undefined,
  );
  const created = await request(s).post('/api/stagecraft/environments').send({
    name,
    type: 'development',
    owner: 'group:default/team-a',
    cluster,
  });
  expect({ status: created.status, body: created.body }).toMatchObject({
    status: expect.any(Number),
  });
  if (![200, 201].includes(created.status))
    throw new Error(JSON.stringify(created.body));
  const deployed = await request(s)
    .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
    .send({ environment: name, image: tag });
  expect(deployed.status).toBe(201);
  const releaseId = deployed.body.release.id;
  return eventually(`${name} complete through ${cluster}`, async () => {
    const res = await request(s).get(
      `/api/stagecraft/components/${COMPONENT}/deployments`,
    );
    const d = res.body.items?.find((i: any) => i.environment === name);
    return d?.status.phase === 'complete' && d.status.release === releaseId
      ? d
      : undefined;
  });
}

describe('cluster access on the real control plane', () => {
  const envs = [
    `auth-sa-${run}`,
    `auth-cert-${run}`,
    `auth-exec-${run}`,
    `auth-fleet-${run}`,
  ];
  const secrets: string[] = [];
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-auth-'));
    // the identities of dev/cluster (an older `up` may predate them)
    execFileSync('bash', [path.join(root, 'dev/cluster/cluster.sh'), 'up'], {
      env,
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    await Promise.all(envs.map(deleteNamespace));
    for (const s of secrets) {
      try {
        kubectl(
          '-n',
          'stagecraft-system',
          'delete',
          'secret',
          s,
          '--ignore-not-found',
        );
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports no cluster as unconfigured, naming the config key', async () => {
    const s = await start(fs.mkdtempSync(path.join(dir, 'none-')), {});
    expect(await health(s)).toEqual({
      status: 'unconfigured',
      clusters: [],
      message: expect.stringContaining('kubernetes.clusterLocatorMethods'),
    });
  });

  it('a ServiceAccount token file from the kubernetes block, rotated in place, keeps writes and the watch cache working; a revoked one shows in /health', async () => {
    const tokenFile = path.join(dir, 'token');
    const [a, b] = [`sc-token-a-${run}`, `sc-token-b-${run}`];
    secrets.push(a, b);
    fs.writeFileSync(tokenFile, `${boundToken(a)}\n`);
    const s = await start(fs.mkdtempSync(path.join(dir, 'sa-')), {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local-sa',
                url: server,
                caData,
                authProvider: 'serviceAccount',
                serviceAccountTokenFile: tokenFile,
              },
            ],
          },
        ],
      },
    });
    const name = envs[0];
    await provisionAndDeploy(s, name, 'local-sa');
    // rotate: a new token written in place, the old one revoked
    fs.writeFileSync(tokenFile, `${boundToken(b)}\n`);
    kubectl('-n', 'stagecraft-system', 'delete', 'secret', a);
    const d = await provisionAndDeploy(s, name, 'local-sa', '1.0.1');
    expect(d.status.replicas).toMatchObject({ desired: 1, ready: 1 });
    expect((await health(s)).clusters).toEqual([
      expect.objectContaining({ name: 'local-sa', reachable: true }),
    ]);
    // revoke the current one: a per-cluster error, the backend keeps answering
    kubectl('-n', 'stagecraft-system', 'delete', 'secret', b);
    const degraded = await eventually(
      'the revoked token in /health',
      async () => {
        const h = await health(s);
        return h.status === 'degraded' ? h : undefined;
      },
    );
    expect(degraded.clusters[0]).toMatchObject({
      name: 'local-sa',
      reachable: false,
      error: expect.stringMatching(
        /refused Stagecraft's credentials \(401 Unauthorized\).*auth: serviceAccountTokenFile/,
      ),
    });
    expect(JSON.stringify(degraded)).not.toMatch(/eyJ/); // no token echoed
  });

  it('a client certificate signed by the cluster CA', async () => {
    const certDir = fs.mkdtempSync(path.join(dir, 'cert-'));
    const cert = clientCert(certDir, 'stagecraft-test');
    const s = await start(certDir, {
      stagecraft: {
        clusters: [
          {
            name: 'local-cert',
            url: server,
            caData,
            clientCertFile: cert.certFile,
            clientKeyFile: cert.keyFile,
          },
        ],
      },
    });
    const d = await provisionAndDeploy(s, envs[1], 'local-cert');
    expect(d.status.phase).toBe('complete');
  });

  it('an exec credential plugin through a kubeconfig file and context', async () => {
    const s = await start(fs.mkdtempSync(path.join(dir, 'exec-')), {
      stagecraft: {
        clusters: [
          {
            name: 'local-exec',
            kubeconfig: path.join(state, 'stagecraft-exec.kubeconfig'),
            kubeconfigContext: 'stagecraft-exec',
          },
        ],
      },
    });
    const d = await provisionAndDeploy(s, envs[2], 'local-exec');
    expect(d.status.phase).toBe('complete');
  });

  it('a kubernetes-cluster Resource of the platform group becomes a cluster within seconds, and removing it stops its watches', async () => {
    const fleetDir = fs.mkdtempSync(path.join(dir, 'fleet-'));
    const group = `stagecraft-fleet-${run}`;
    const { certFile, keyFile } = clientCert(fleetDir, group);
    const cert = fs.readFileSync(certFile, 'utf8');
    const key = fs.readFileSync(keyFile, 'utf8');
    // a module's strategy, as it would be given to the Kubernetes plugin too
    const strategyModule = createBackendModule({
      pluginId: 'stagecraft',
      moduleId: 'test-cluster-auth',
      register(reg) {
        reg.registerInit({
          deps: { auth: stagecraftClusterAuthExtensionPoint },
          async init({ auth }) {
            auth.addAuthStrategy('local-cert', {
              getCredential: async () => ({
                type: 'x509 client certificate',
                cert,
                key,
              }),
              validateCluster: () => [],
              presentAuthMetadata: () => ({}),
            });
          },
        });
      },
    });
    const resource = (name: string, owner: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: ${name}\n  annotations:\n    kubernetes.io/api-server: ${server}\n    kubernetes.io/api-server-certificate-authority: ${caData}\n    kubernetes.io/auth-provider: local-cert\nspec:\n  type: kubernetes-cluster\n  owner: ${owner}\n`;
    const clustersFile = path.join(fleetDir, 'clusters.yaml');
    // at first only a cluster of another owner, which Stagecraft ignores
    const declare = (...names: string[]) =>
      fs.writeFileSync(
        clustersFile,
        [
          resource('rogue', 'group:default/team-a'),
          ...names.map(n => resource(n, 'group:default/platform')),
        ].join('---\n'),
      );
    declare();
    const kubernetes: JsonObject = {
      clusterLocatorMethods: [
        { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
        // a cluster the stock tab reaches with the user's token: Stagecraft says what it needs
        {
          type: 'config',
          clusters: [
            {
              name: 'oidc-only',
              url: server,
              caData,
              authProvider: 'oidc',
              oidcTokenProvider: 'okta',
            },
          ],
        },
      ],
    };
    const s = await start(fleetDir, {
      kubernetes,
      features: [strategyModule],
      catalog: { locations: [{ type: 'file', target: clustersFile }] },
      stagecraft: {
        catalogClusters: {
          allowedOwners: ['group:default/platform'],
          refreshSeconds: 1,
        },
      },
    });
    await eventually(
      'the rogue cluster in the catalog',
      async () =>
        (
          await request(s).get(
            '/api/catalog/entities/by-name/resource/default/rogue',
          )
        ).status === 200 || undefined,
    );
    // the location that holds the cluster declarations, refreshed after each edit
    const locationRef = (
      await request(s).get(`/api/catalog/entities?filter=kind=location`)
    ).body.find((l: any) => l.spec.target === clustersFile);
    const refreshLocation = () =>
      request(s)
        .post('/api/catalog/refresh')
        .send({ entityRef: `location:default/${locationRef.metadata.name}` })
        .expect(200);
    declare('fleet-a');
    const started = Date.now();
    await refreshLocation();
    const h = await eventually(
      'fleet-a in /health',
      async () => {
        const body = await health(s);
        return body.clusters.some(
          (c: any) => c.name === 'fleet-a' && c.reachable,
        )
          ? body
          : undefined;
      },
      30_000,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(h.clusters.map((c: any) => c.name).sort()).toEqual([
      'fleet-a',
      'oidc-only',
    ]);
    expect(h.clusters.find((c: any) => c.name === 'oidc-only')).toMatchObject({
      reachable: false,
      error: expect.stringContaining(
        'Stagecraft writes as its own service identity',
      ),
    });
    await provisionAndDeploy(s, envs[3], 'fleet-a');

    // remove it from the catalog: the cluster goes, and so do its watches
    declare();
    await refreshLocation();
    await eventually(
      'fleet-a gone from /health',
      async () =>
        (await health(s)).clusters.every((c: any) => c.name !== 'fleet-a') ||
        undefined,
      30_000,
    );
    const removedAt = Date.now();
    const audit = () =>
      fs
        .readFileSync(path.join(logs, 'audit.log'), 'utf8')
        .split('\n')
        .filter(l => l.includes(group))
        .map(l => JSON.parse(l));
    const watches = await eventually(
      'every watch of fleet-a closed',
      async () => {
        const events = audit().filter(e => e.verb === 'watch');
        const open = new Set(
          events.filter(e => e.stage === 'ResponseStarted').map(e => e.auditID),
        );
        for (const e of events)
          if (e.stage === 'ResponseComplete') open.delete(e.auditID);
        return events.length > 0 && open.size === 0 ? events : undefined;
      },
      30_000,
    );
    // namespaces, deployments, replicasets and pods were watched
    expect(new Set(watches.map(e => e.objectRef?.resource))).toEqual(
      new Set(['namespaces', 'deployments', 'replicasets', 'pods']),
    );
    expect(
      audit().filter(e => Date.parse(e.requestReceivedTimestamp) > removedAt),
    ).toEqual([]);
  });
});
