// Shared by the cluster-access integration suites (issue 21): the identities
// dev/cluster serves (bound ServiceAccount tokens, client certificates signed
// by its CA), a test backend with a catalog, and a deploy read back through
// the watch cache.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { JsonObject } from '@backstage/types';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { stagecraftClusterAuthExtensionPoint } from '@stagecraft/backstage-plugin-stagecraft-node';
import { eventually, kubeconfig, startIntegrationBackend } from './integration';
import { writeCatalog } from './reliability';

/** The repository's root. */
export const root = path.resolve(__dirname, '../../../..');
export const state =
  process.env.STAGECRAFT_CLUSTER_STATE ?? path.join(root, 'dev/cluster/state');
export const logs =
  process.env.STAGECRAFT_CLUSTER_LOGS ?? path.join(state, '../logs');
export const env = { ...process.env, STAGECRAFT_CLUSTER_STATE: state };
export const server = kubeconfig('stagecraft').getCurrentCluster()!.server;
export const caData = kubeconfig('stagecraft').getCurrentCluster()!.caData!;
export const COMPONENT = encodeURIComponent('component:default/svc');

/** The pinned kubectl as admin. */
export const kubectl = (...args: string[]) =>
  execFileSync(
    'bash',
    [path.join(root, 'dev/cluster/cluster.sh'), 'kubectl', ...args],
    {
      env,
      encoding: 'utf8',
    },
  ).trim();

/** A token of stagecraft-system/stagecraft bound to a Secret (deleting it revokes the token). */
export function boundToken(secret: string) {
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
export function clientCert(dir: string, group: string) {
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

export type Server = Awaited<ReturnType<typeof startIntegrationBackend>>;

export async function start(
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

export const health = async (s: Server) =>
  (await request(s).get('/api/stagecraft/health').expect(200)).body;

/** Provisions `name` on `cluster`, deploys svc (image tag `tag`) and waits for the watch cache to report it complete. */
export async function provisionAndDeploy(
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

/** A module giving Stagecraft auth strategies that present client certificates (as one would for the Kubernetes plugin too). */
export function certStrategies(
  strategies: Record<string, { certFile: string; keyFile: string }>,
) {
  return createBackendModule({
    pluginId: 'stagecraft',
    moduleId: 'test-cluster-auth',
    register(reg) {
      reg.registerInit({
        deps: { auth: stagecraftClusterAuthExtensionPoint },
        async init({ auth }) {
          for (const [key, files] of Object.entries(strategies)) {
            const cert = fs.readFileSync(files.certFile, 'utf8');
            const key_ = fs.readFileSync(files.keyFile, 'utf8');
            auth.addAuthStrategy(key, {
              getCredential: async () => ({
                type: 'x509 client certificate',
                cert,
                key: key_,
              }),
              validateCluster: () => [],
              presentAuthMetadata: () => ({}),
            });
          }
        },
      });
    },
  });
}

/** A `kubernetes-cluster` Resource of the local control plane, authenticated by strategy `provider`. */
export function clusterResource(
  name: string,
  owner: string,
  provider: string,
  ca = caData,
) {
  return `apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: ${name}\n  annotations:\n    kubernetes.io/api-server: ${server}\n    kubernetes.io/api-server-certificate-authority: ${ca}\n    kubernetes.io/auth-provider: ${provider}\nspec:\n  type: kubernetes-cluster\n  owner: ${owner}\n`;
}

/** Refreshes the catalog location whose target is `file` (after an edit of it). */
export async function refreshLocationOf(s: Server, file: string) {
  const location = (
    await request(s).get(`/api/catalog/entities?filter=kind=location`)
  ).body.find((l: any) => l.spec.target === file);
  await request(s)
    .post('/api/catalog/refresh')
    .send({ entityRef: `location:default/${location.metadata.name}` })
    .expect(200);
}

/** The API server's audit events of requests by members of `group` (client certificates' O). */
export function auditOf(group: string): any[] {
  return fs
    .readFileSync(path.join(logs, 'audit.log'), 'utf8')
    .split('\n')
    .filter(l => l.includes(group))
    .map(l => JSON.parse(l));
}

/** The watches of `events` still open (started, not completed). */
export function openWatches(events: any[]): Set<string> {
  const watches = events.filter(e => e.verb === 'watch');
  const open = new Set<string>(
    watches.filter(e => e.stage === 'ResponseStarted').map(e => e.auditID),
  );
  for (const e of watches)
    if (e.stage === 'ResponseComplete') open.delete(e.auditID);
  return open;
}
