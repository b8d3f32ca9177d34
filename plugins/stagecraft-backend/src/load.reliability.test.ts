// Load, bounded and on loopback: 1,000 deploy requests from 50 concurrent
// clients across 50 environments, while 20 more environments are created
// concurrently, on PostgreSQL and the real control plane. No 5xx; every
// request has exactly one audit row; the revision numbers of each
// (component, environment) are 1..n with no gap and no duplicate, kept so by
// the database (a counter row locked in the inserting transaction and a
// unique index), not by luck.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import {
  deleteNamespace,
  eventually,
  startIntegrationBackend,
} from './__testUtils__/integration';
import {
  baseUrl,
  describeReliability,
  call,
  pluginDatabase,
  pool,
  postgresBackendConfig,
  recordResult,
  roomyDevelopmentType,
  writeCatalog,
} from './__testUtils__/reliability';

jest.setTimeout(1_200_000);

const ENVIRONMENTS = 50;
const CLIENTS = 50;
const DEPLOYS = 1000;
const CREATES = 20;
const COMPONENT = 'load-svc';
const REF = `component:default/${COMPONENT}`;
const envs = Array.from(
  { length: ENVIRONMENTS },
  (_, i) => `load-e${String(i).padStart(2, '0')}`,
);
const extra = Array.from(
  { length: CREATES },
  (_, i) => `load-x${String(i).padStart(2, '0')}`,
);
const prefix = `rel_load_${Date.now()}_`;

describeReliability(
  'load: 1,000 deploys, 50 clients, 50 environments, 20 concurrent creations',
  () => {
    let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
    let url: string;
    let db: Knex;
    let dir: string;

    beforeAll(async () => {
      await pool([...envs, ...extra], 10, name => deleteNamespace(name));
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-load-'));
      const backend = postgresBackendConfig(prefix);
      server = await startIntegrationBackend({
        ...(backend && { backend }),
        catalog: {
          locations: [{ type: 'file', target: writeCatalog(dir, [COMPONENT]) }],
        },
        stagecraft: {
          environmentTypes: [roomyDevelopmentType],
        },
      });
      url = baseUrl(server);
      db = pluginDatabase(prefix);
      await eventually(
        'the component in the catalog',
        async () =>
          (
            await call(
              `${url}/api/catalog/entities/by-name/component/default/${COMPONENT}`,
              'GET',
            )
          ).status === 200
            ? true
            : undefined,
        120_000,
      );
      const created = await pool(envs, 10, name =>
        call(`${url}/api/stagecraft/environments`, 'POST', {
          name,
          type: 'development',
          owner: 'group:default/team-a',
        }),
      );
      if (created.some(r => r.status !== 201)) {
        throw new Error(
          `creating the environments: ${created.map(r => r.status).join(',')}`,
        );
      }
    });

    afterAll(async () => {
      await db?.destroy();
      await pool([...envs, ...extra], 10, name => deleteNamespace(name));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('answers every request without a 5xx, audits each once, numbers revisions without gaps', async () => {
      const started = Date.now();
      // a deterministic spread: request i goes to environment (i * 7) % 50
      const plan = Array.from({ length: DEPLOYS }, (_, i) => ({
        i,
        env: envs[(i * 7) % ENVIRONMENTS],
        image: `v${i % 5}`,
      }));
      const [deploys, creates] = await Promise.all([
        pool(plan, CLIENTS, p =>
          call(
            `${url}/api/stagecraft/components/${encodeURIComponent(
              REF,
            )}/deploy`,
            'POST',
            { environment: p.env, image: p.image, replicas: 0 },
          ),
        ),
        pool(extra, CREATES, name =>
          call(`${url}/api/stagecraft/environments`, 'POST', {
            name,
            type: 'development',
            owner: 'group:default/team-a',
          }),
        ),
      ]);
      const durationMs = Date.now() - started;

      const statuses = [...deploys, ...creates].map(r => r.status);
      const fivexx = statuses.filter(s => s >= 500 || s === 0).length;
      const completed = statuses.filter(s => s === 201).length;

      // the cache answers with the last release in every environment
      const lastRelease = new Map<string, string>();
      plan.forEach((p, k) => {
        const body = deploys[k].body;
        const prev = lastRelease.get(p.env);
        if (
          body?.revision &&
          (!prev || body.revision.revision > Number(prev.split('#')[1]))
        ) {
          lastRelease.set(
            p.env,
            `${body.release.id}#${body.revision.revision}`,
          );
        }
      });
      const convergeStarted = Date.now();
      await eventually(
        'the watch cache to show the last release everywhere',
        async () => {
          const res = await call(
            `${url}/api/stagecraft/components/${encodeURIComponent(
              REF,
            )}/deployments`,
            'GET',
          );
          const items: any[] = res.body?.items ?? [];
          return items.length === ENVIRONMENTS &&
            items.every(
              d =>
                d.status?.release ===
                lastRelease.get(d.environment)?.split('#')[0],
            )
            ? true
            : undefined;
        },
        60_000,
      );
      const convergeMs = Date.now() - convergeStarted;

      // one audit row per request, matched by (target, revision)
      let lost = 0;
      const audit = await db('stagecraft_audit_events')
        .where({ action: 'deployment.deploy' })
        .select('target', 'outcome', 'details');
      const rows = new Map<string, number>();
      for (const a of audit) {
        const revision = JSON.parse(a.details ?? '{}').revision;
        const key = `${a.target}#${revision}`;
        rows.set(key, (rows.get(key) ?? 0) + 1);
      }
      plan.forEach((p, k) => {
        const n = deploys[k].body?.revision?.revision;
        if (rows.get(`${REF}@${p.env}#${n}`) !== 1) lost++;
      });
      // the answers of requests without their one audit row, to say why
      const unaudited = plan.flatMap((p, k) =>
        rows.get(`${REF}@${p.env}#${deploys[k].body?.revision?.revision}`) === 1
          ? []
          : [
              `${deploys[k].status} after ${deploys[k].ms} ms: ${JSON.stringify(
                deploys[k].body,
              ).slice(0, 300)}`,
            ],
      );
      expect({
        audited: audit.length,
        unaudited: unaudited.slice(0, 5),
      }).toEqual({ audited: DEPLOYS, unaudited: [] });
      const createAudit = await db('stagecraft_audit_events')
        .where({ action: 'environment.create' })
        .whereIn('target', extra)
        .select('target', 'outcome');
      expect(createAudit.map(a => a.target).sort()).toEqual(extra);
      expect(createAudit.every(a => a.outcome === 'succeeded')).toBe(true);

      // revision numbers: 1..n per environment, n = requests sent there
      for (const env of envs) {
        const sent = plan.filter(p => p.env === env).length;
        const numbers = (
          await db('stagecraft_deployment_revisions')
            .where({ component: REF, environment: env })
            .orderBy('revision')
            .select('revision')
        ).map(r => Number(r.revision));
        expect(numbers).toEqual(Array.from({ length: sent }, (_, k) => k + 1));
      }
      // and the database itself refuses duplicates
      const unique = await db.raw(
        `select indexdef from pg_indexes where tablename = 'stagecraft_deployment_revisions' and indexdef ilike '%unique%revision%'`,
      );
      expect(unique.rows.length).toBeGreaterThan(0);
      // every response names its revision, and no two share one
      const seen = new Set<string>();
      plan.forEach((p, k) => {
        const n = deploys[k].body?.revision?.revision;
        seen.add(`${p.env}#${n}`);
      });
      expect(seen.size).toBe(DEPLOYS);

      recordResult({
        scenario: `load (${DEPLOYS} deploys by ${CLIENTS} clients over ${ENVIRONMENTS} environments + ${CREATES} concurrent creations, ${'PostgreSQL'})`,
        faults: 0,
        attempted: DEPLOYS + CREATES,
        completed,
        failed: statuses.length - completed,
        lost,
        convergeMs,
        durationMs,
        notes: `${fivexx} 5xx, ${Math.round(
          (DEPLOYS * 1000) / durationMs,
        )} deploys/s, p95 ${percentile(
          deploys.map(d => d.ms),
          95,
        )} ms`,
      });
      expect(fivexx).toBe(0);
      expect(completed).toBe(DEPLOYS + CREATES);
      expect(lost).toBe(0);
    });
  },
);

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}
