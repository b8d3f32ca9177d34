// "What runs where" for 200 components × 3 environments is answered from the
// watch cache: the API server's audit log shows no request from Stagecraft's
// identity while every component's deployments are read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
} from './__testUtils__/integration';

jest.setTimeout(600_000);

const COMPONENTS = 200;
const ENVS = [
  ['scale-dev', 'development'],
  ['scale-stg', 'staging'],
  ['scale-prod', 'production'],
] as const;
const names = Array.from(
  { length: COMPONENTS },
  (_, i) => `svc-${String(i).padStart(3, '0')}`,
);
const auditLog =
  process.env.STAGECRAFT_CLUSTER_LOGS ??
  path.resolve(__dirname, '../../../dev/cluster/logs');

const isFence = (e: any) =>
  String(e.requestURI ?? '').includes('stagecraft-audit-fence-');

/**
 * Requests the stagecraft identity made before `fence` in the API server's
 * audit log (watches and fences excluded); undefined while the fence is not
 * in the log yet.
 */
function stagecraftRequestsBefore(fence: string): number | undefined {
  const file = path.join(auditLog, 'audit.log');
  const log = fs.readFileSync(file, 'utf8');
  const at = log.indexOf(fence);
  if (at < 0) return undefined;
  // the lines before the fence's own line
  return log
    .slice(0, log.lastIndexOf('\n', at) + 1)
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(
      e =>
        e.user?.username === 'stagecraft' && e.verb !== 'watch' && !isFence(e),
    ).length;
}

/**
 * Makes one recognisable request as the stagecraft identity (a GET of a
 * ConfigMap nobody has, audited like any other) and waits until the audit log
 * has it: every request made before it is in the log by then. Returns the
 * stagecraft requests before it.
 */
async function auditFence(): Promise<number> {
  const fence = `stagecraft-audit-fence-${Date.now()}-${Math.random()
    .toString(36)
    .slice(2)}`;
  await kubeconfig('stagecraft')
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: fence, namespace: ENVS[0][0] })
    .catch(() => undefined); // 404 (or 403): the request is audited either way
  return eventually(`the audit fence ${fence} in the audit log`, async () =>
    stagecraftRequestsBefore(fence),
  );
}

async function inBatches<T>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

describe('deployment status at scale', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;

  beforeAll(async () => {
    // the namespace controller deletes 600 Deployments and their pods:
    // minutes on a loaded 2-core machine
    await Promise.all(
      ENVS.map(([name]) => deleteNamespace(name, { timeoutMs: 300_000 })),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-scale-'));
    fs.writeFileSync(
      path.join(dir, 'svc.score.yaml'),
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: svc\ncontainers:\n  main:\n    image: registry.example.com/acme/svc:1.0.0\n',
    );
    fs.writeFileSync(
      path.join(dir, 'catalog-info.yaml'),
      names
        .map(
          n =>
            `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${n}\n  annotations:\n    stagecraft.io/workload: ./svc.score.yaml\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/team-a\n`,
        )
        .join('---\n'),
    );
    const quota = { cpu: '500', memory: '1000Gi', pods: 1000 };
    server = await startIntegrationBackend({
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        environmentTypes: ENVS.map(([, tier]) => ({ name: tier, tier, quota })),
      },
    });
    for (const [name, type] of ENVS) {
      await request(server)
        .post('/api/stagecraft/environments')
        .send({ name, type, owner: 'group:default/team-a' })
        .expect(201);
    }
    await eventually(
      'all components in the catalog',
      async () => {
        const res = await request(server).get(
          `/api/catalog/entities/by-name/component/default/${names.at(-1)}`,
        );
        return res.status === 200 ? true : undefined;
      },
      120_000,
    );
    await inBatches(
      names.flatMap(n => ENVS.map(([env]) => [n, env] as const)),
      12,
      async ([n, env]) =>
        request(server)
          .post(`/api/stagecraft/components/${n}/deploy`)
          .send({ environment: env })
          .expect(201),
    );
  });

  afterAll(async () => {
    // the namespace controller deletes 600 Deployments and their pods:
    // minutes on a loaded 2-core machine
    await Promise.all(
      ENVS.map(([name]) => deleteNamespace(name, { timeoutMs: 300_000 })),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers GET …/deployments for every component with 0 requests to the API server', async () => {
    // wait until the watch cache holds all 600 Deployments
    await eventually(
      'the cache to see every deployment',
      async () => {
        const res = await request(server).get(
          `/api/stagecraft/components/${names.at(-1)}/deployments`,
        );
        return res.body.items?.length === 3 &&
          res.body.items.every((d: any) => d.status.phase !== 'missing')
          ? true
          : undefined;
      },
      120_000,
    );
    const before = await auditFence();
    const started = Date.now();
    let environments = 0;
    for (const n of names) {
      const res = await request(server).get(
        `/api/stagecraft/components/${n}/deployments`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.map((d: any) => d.environment)).toEqual([
        'scale-dev',
        'scale-stg',
        'scale-prod',
      ]);
      environments += res.body.items.filter(
        (d: any) => d.status.phase !== 'missing',
      ).length;
    }
    const elapsed = Date.now() - started;
    // everything the reads made is in the audit log once a later request is
    const after = await auditFence();
    // every (component, environment) had live status from the cache …
    expect(environments).toBe(COMPONENTS * ENVS.length);
    // the audit log does see Stagecraft's writes (each deploy reads and applies) …
    expect(before).toBeGreaterThan(COMPONENTS * ENVS.length);
    // … but reading status cost the API server nothing
    expect(after - before).toBe(0);
    // (not a benchmark: just a record of what this machine did)
    console.log(
      `${COMPONENTS} components × ${
        ENVS.length
      } environments read in ${elapsed} ms, ${after - before} API requests`,
    );
  });
});
