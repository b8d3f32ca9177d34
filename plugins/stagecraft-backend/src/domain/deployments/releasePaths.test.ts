import { tierDefaults } from '../environments/types';
import type { Actor } from '../ports';
import fs from 'node:fs';
import path from 'node:path';
import { domainHarness, workloadText } from '../../__testUtils__/domainHarness';

/**
 * No side doors (issue 22, item 5): every use case that puts a release into
 * an environment passes the same gate, so approvals and deployment windows
 * hold whichever door asks — the REST routes, the scaffolder actions and
 * agent actions all reach the domain only through these methods. The table
 * classifies every public method of the services that write revisions; a
 * new one fails the test until it is classified (and, if it puts a release,
 * gated and listed below).
 */
const classified: Record<string, Record<string, string>> = {
  DeploymentService: {
    deploy: 'gated',
    promote: 'gated',
    rollback: 'gated',
    runRelease:
      'gated when asked (clone); otherwise runs an approved request or the release already running',
    remove: 'removes; puts no release',
    history: 'read',
    deployments: 'read',
    deploymentsView: 'read',
    drift: 'read',
    watch: 'read',
  },
  CloneService: { clone: 'gated' },
  OperationsService: {
    restart: 'the running release',
    scale: 'the running release',
    pause: 'the running releases',
    resume: 'the running releases',
    usage: 'read',
    usageOf: 'read',
  },
  ApprovalService: {
    approve: 'runs exactly the request the gate opened',
    reject: 'decision',
    withdraw: 'decision',
    list: 'read',
    get: 'read',
  },
  ConfigService: {
    set: 'a config version; reaches pods only through a deploy',
    rollback: 'a config version; reaches pods only through a deploy',
    get: 'read',
    history: 'read',
    effective: 'read',
    effectiveAt: 'read',
  },
  SecretService: {
    set: 'a secret value; reaches pods only through a deploy',
    delete: 'a secret value',
    list: 'read',
    forDeploy: 'read (by the rollout)',
  },
};

/** Where each service is declared, relative to src/domain. */
const files: Record<string, string> = {
  DeploymentService: 'deployments/DeploymentService.ts',
  CloneService: 'operations/CloneService.ts',
  OperationsService: 'operations/OperationsService.ts',
  ApprovalService: 'approvals/ApprovalService.ts',
  ConfigService: 'config/ConfigService.ts',
  SecretService: 'config/SecretService.ts',
};

/** The public methods a class declares (members not marked private). */
function publicMethods(name: string, file: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, '..', file), 'utf8');
  const start = source.indexOf(`export class ${name}`);
  const text = source.slice(start, source.indexOf('\n}\n', start));
  return [...text.matchAll(/^ {2}(?:async )?([a-zA-Z]+)\(/gm)]
    .map(m => m[1])
    .filter(m => m !== 'constructor')
    .sort();
}

const platform: Actor = { ref: 'user:default/pat', credentials: {} };
const dev: Actor = { ref: 'user:default/dana', credentials: {} };
const C = 'component:default/app';
// the harness' clock starts on a Tuesday at 10:00 UTC: this window is closed
const frozen = {
  ...tierDefaults('frozen', 'staging'),
  deployWindows: [{ cron: '0 3 * * 0', duration: '1h' }],
};
const types = [
  tierDefaults('preview', 'preview'),
  tierDefaults('development', 'development'),
  tierDefaults('staging', 'staging'),
  frozen,
  {
    ...tierDefaults('production', 'production'),
    approvals: { required: 1, group: 'group:default/platform' },
  },
];

/**
 * Two releases in dev (1.0.0, then 2.0.0) and the newer one in staging;
 * with `history`, production and the frozen environment ran both too (so
 * there is something to roll back to).
 */
async function world(history = false) {
  const h = await domainHarness({
    types,
    groups: { [platform.ref]: ['group:default/platform'] },
  });
  await h.provision([
    ['shop-dev', 'development'],
    ['shop-stg', 'staging'],
    ['shop-frozen', 'frozen'],
    ['shop-prod', 'production'],
  ]);
  const first = await h.deployments.deploy(dev, C, {
    environment: 'shop-dev',
  });
  h.workloads.set(C, workloadText('ghcr.io/acme/app:2.0.0'));
  const second = await h.deployments.deploy(dev, C, {
    environment: 'shop-dev',
  });
  await h.deployments.deploy(dev, C, { environment: 'shop-stg' });
  if (history) {
    for (const image of ['ghcr.io/acme/app:1.0.0', 'ghcr.io/acme/app:2.0.0']) {
      const { pending } = await h.deployments.deploy(dev, C, {
        environment: 'shop-prod',
        image,
      });
      await h.approvals.approve(platform, pending!.id, {});
    }
    // Sunday 03:10 UTC: the frozen environment's window is open
    const tuesday = h.time.now;
    h.time.now = Date.parse('2026-11-29T03:10:00Z');
    for (const image of ['ghcr.io/acme/app:1.0.0', 'ghcr.io/acme/app:2.0.0']) {
      await h.deployments.deploy(dev, C, { environment: 'shop-frozen', image });
    }
    h.time.now = tuesday;
  }
  return { h, first: first.release.id, second: second.release.id };
}

/** What ran into an environment: its revisions' releases, newest first. */
const ran = async (h: Awaited<ReturnType<typeof world>>['h'], env: string) =>
  (await h.store.listRevisions(C, env)).map(r => r.releaseId);

describe('every path that puts a release into an environment is gated', () => {
  it('the table classifies every public method of the services that write revisions', () => {
    for (const [name, file] of Object.entries(files)) {
      expect([name, publicMethods(name, file)]).toEqual([
        name,
        Object.keys(classified[name]).sort(),
      ]);
    }
  });

  /** Each gated path, asked by a developer into production and into a frozen environment. */
  const paths: Array<{
    path: string;
    into: (
      w: Awaited<ReturnType<typeof world>>,
      env: string,
    ) => Promise<unknown>;
  }> = [
    {
      path: 'deploy',
      into: ({ h }, env) => h.deployments.deploy(dev, C, { environment: env }),
    },
    {
      path: 'promote',
      into: ({ h }, env) =>
        h.deployments.promote(dev, C, {
          // one tier at a time: staging → production, development → frozen (staging)
          from: env === 'shop-prod' ? 'shop-stg' : 'shop-dev',
          to: env,
        }),
    },
    {
      path: 'rollback',
      into: ({ h }, env) =>
        h.deployments.rollback(dev, C, { environment: env }),
    },
    {
      path: 'clone',
      into: ({ h }, env) =>
        h.domain.clones.clone(dev, 'shop-dev', {
          name: `${env}-copy`,
          type: env === 'shop-prod' ? 'production' : 'frozen',
        }),
    },
  ];

  it.each(paths)(
    '$path into production waits for approval: a pending request, no revision',
    async ({ path: p, into }) => {
      const w = await world(p === 'rollback');
      const target = p === 'clone' ? 'shop-prod-copy' : 'shop-prod';
      const ranBefore = await ran(w.h, target);
      const before = (await w.h.store.listApprovals({ state: 'pending' }))
        .length;
      const result = (await into(w, 'shop-prod')) as any;
      const pending =
        result.pending?.id ?? result.deployed?.[0]?.pending ?? undefined;
      expect(typeof pending).toBe('string');
      expect((await w.h.store.listApprovals({ state: 'pending' })).length).toBe(
        before + 1,
      );
      expect(await ran(w.h, target)).toEqual(ranBefore);
      // the approver's decision runs exactly the requested release
      const approved = await w.h.approvals.approve(platform, pending, {});
      expect([approved.state, approved.error]).toEqual(['executed', undefined]);
      expect(await ran(w.h, target)).toEqual([
        approved.releaseId,
        ...ranBefore,
      ]);
    },
  );

  it.each(paths)(
    '$path into an environment outside its deployment windows is refused, nothing runs',
    async ({ path: p, into }) => {
      const w = await world(p === 'rollback');
      const target = p === 'clone' ? 'shop-frozen-copy' : 'shop-frozen';
      const ranBefore = await ran(w.h, target);
      await expect(into(w, 'shop-frozen')).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(/outside its deployment windows/),
      });
      expect(await ran(w.h, target)).toEqual(ranBefore);
      // not even an empty environment is left behind
      expect(
        await w.h.store.getEnvironment('shop-frozen-copy'),
      ).toBeUndefined();
    },
  );

  it('day-2 operations only ever run the release that is already running', async () => {
    const { h, second } = await world();
    await h.domain.operations.restart(dev, C, { environment: 'shop-dev' });
    await h.domain.operations.scale(dev, C, {
      environment: 'shop-dev',
      replicas: 2,
    });
    const revisions = await h.store.listRevisions(C, 'shop-dev');
    expect(revisions.slice(0, 2).map(r => [r.action, r.releaseId])).toEqual([
      ['scale', second],
      ['restart', second],
    ]);
  });
});
