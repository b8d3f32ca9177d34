// A catalog-located cluster that CHANGES at runtime (issue 21, item 3), on
// the real control plane: a new auth provider annotation re-authenticates it
// (the old identity's watches close, the new one's open, per the API server's
// audit log) and a wrong CA makes it a per-cluster error on /health and on
// the deployments answer, until the CA is put back — all without a restart.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { deleteNamespace, eventually } from '../__testUtils__/integration';
import {
  auditOf,
  certStrategies,
  clientCert,
  clusterResource,
  COMPONENT,
  health,
  openWatches,
  provisionAndDeploy,
  refreshLocationOf,
  start,
} from '../__testUtils__/clusterAccess';

jest.setTimeout(240_000);

const run = crypto.randomBytes(3).toString('hex');

/** A CA that signed nothing the API server serves (base64 PEM, as the annotation wants). */
function unrelatedCa(dir: string) {
  const crt = path.join(dir, 'other-ca.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=not-the-cluster-ca',
      '-days',
      '1',
      '-keyout',
      path.join(dir, 'other-ca.key'),
      '-out',
      crt,
    ],
    { stdio: 'ignore' },
  );
  return fs.readFileSync(crt).toString('base64');
}

describe('a kubernetes-cluster Resource that changes', () => {
  const envName = `auth-change-${run}`;
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-change-'));
  });

  afterAll(async () => {
    await deleteNamespace(envName);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-authenticates with its new credential, and a wrong CA is a per-cluster error until it is fixed', async () => {
    const [groupA, groupB] = [`sc-change-a-${run}`, `sc-change-b-${run}`];
    const strategies = certStrategies({
      'cert-a': clientCert(fs.mkdtempSync(path.join(dir, 'a-')), groupA),
      'cert-b': clientCert(fs.mkdtempSync(path.join(dir, 'b-')), groupB),
    });
    const file = path.join(dir, 'clusters.yaml');
    const declare = (provider: string, ca?: string) =>
      fs.writeFileSync(
        file,
        clusterResource('fleet-c', 'group:default/platform', provider, ca),
      );
    declare('cert-a');
    const s = await start(dir, {
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
        ],
      },
      features: [strategies],
      catalog: { locations: [{ type: 'file', target: file }] },
      stagecraft: {
        catalogClusters: {
          allowedOwners: ['group:default/platform'],
          refreshSeconds: 1,
        },
      },
    });
    await eventually(
      'fleet-c in /health',
      async () =>
        (
          await health(s)
        ).clusters.some((c: any) => c.name === 'fleet-c' && c.reachable) ||
        undefined,
      30_000,
    );
    await provisionAndDeploy(s, envName, 'fleet-c');
    const watchesOf = (group: string) =>
      auditOf(group).filter(e => e.verb === 'watch');
    expect(openWatches(watchesOf(groupA)).size).toBeGreaterThan(0);
    expect(watchesOf(groupB)).toEqual([]);

    // the credential annotation changes: the watches restart as identity B
    declare('cert-b');
    await refreshLocationOf(s, file);
    const resources = await eventually(
      'identity B watching, every watch of identity A closed',
      async () => {
        const b = watchesOf(groupB);
        const openB = openWatches(b);
        const watched = new Set(
          b.filter(e => openB.has(e.auditID)).map(e => e.objectRef?.resource),
        );
        // every kind's watch reopened (they restart one by one: waiting
        // for three of four let the namespaces' watch be still on its way)
        return watched.size >= 4 && openWatches(watchesOf(groupA)).size === 0
          ? watched
          : undefined;
      },
      30_000,
    );
    expect(resources).toEqual(
      new Set(['namespaces', 'deployments', 'replicasets', 'pods']),
    );
    // and writes go as B, read back through B's watches
    const changedAt = Date.now();
    const d = await provisionAndDeploy(s, envName, 'fleet-c', '1.0.1');
    expect(d.status.clusterError).toBeUndefined();
    expect(
      auditOf(groupB).some(
        e =>
          e.verb === 'patch' &&
          Date.parse(e.requestReceivedTimestamp) > changedAt,
      ),
    ).toBe(true);

    // a CA that does not match: the cluster is an error on /health and on the
    // deployments answer (naming it), not a status shown as live
    declare('cert-b', unrelatedCa(dir));
    await refreshLocationOf(s, file);
    const broken = await eventually(
      'fleet-c failing in /health and on the deployments',
      async () => {
        const h = await health(s);
        const c = h.clusters.find((x: any) => x.name === 'fleet-c');
        const res = await request(s).get(
          `/api/stagecraft/components/${COMPONENT}/deployments`,
        );
        const item = res.body.items?.find(
          (i: any) => i.environment === envName,
        );
        return c && !c.reachable && item?.status.clusterError
          ? { health: c, item, status: res.status }
          : undefined;
      },
      60_000,
    );
    expect(broken.status).toBe(200);
    expect(broken.health.error).toMatch(/^cluster fleet-c unavailable: /);
    expect(broken.item.status.clusterError).toMatch(
      /^cluster fleet-c unavailable: /,
    );
    // a write that needs it: 503 naming the cluster (not 403)
    const refused = await request(s)
      .post(`/api/stagecraft/components/${COMPONENT}/deploy`)
      .send({ environment: envName, image: '1.0.2' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain('cluster fleet-c');

    // the CA put back: the cluster and its status are live again
    declare('cert-b');
    await refreshLocationOf(s, file);
    await eventually(
      'fleet-c live again',
      async () => {
        const res = await request(s).get(
          `/api/stagecraft/components/${COMPONENT}/deployments`,
        );
        const item = res.body.items?.find(
          (i: any) => i.environment === envName,
        );
        const c = (await health(s)).clusters.find(
          (x: any) => x.name === 'fleet-c',
        );
        return c?.reachable && item && !item.status.clusterError
          ? item
          : undefined;
      },
      60_000,
    );
    await provisionAndDeploy(s, envName, 'fleet-c', '1.0.3');
  });
});
