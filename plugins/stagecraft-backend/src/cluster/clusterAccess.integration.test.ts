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
import type { JsonObject } from '@backstage/types';
import { deleteNamespace, eventually } from '../__testUtils__/integration';
import {
  auditOf,
  boundToken,
  caData,
  certStrategies,
  clientCert,
  clusterResource,
  env,
  health,
  kubectl,
  openWatches,
  provisionAndDeploy,
  refreshLocationOf,
  root,
  server,
  start,
  state,
} from '../__testUtils__/clusterAccess';

jest.setTimeout(240_000);

const run = crypto.randomBytes(3).toString('hex');

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
    await Promise.all(envs.map(name => deleteNamespace(name)));
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
        /^cluster local-sa: credentials refused \(401 Unauthorized\) — .*auth: serviceAccountTokenFile/,
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
    const strategyModule = certStrategies({
      'local-cert': clientCert(fleetDir, group),
    });
    const resource = (name: string, owner: string) =>
      clusterResource(name, owner, 'local-cert');
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
    const refreshLocation = () => refreshLocationOf(s, clustersFile);
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
    const audit = () => auditOf(group);
    const watches = await eventually(
      'every watch of fleet-a closed',
      async () => {
        const events = audit().filter(e => e.verb === 'watch');
        return events.length > 0 && openWatches(events).size === 0
          ? events
          : undefined;
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
