// Two backend replicas on one PostgreSQL database: the preview reaper (a
// global scheduled task, every second here) deletes each expired preview
// once — one `environment.reap` audit row per environment, never two, and no
// failed attempt by the replica that lost the race.
import type { Knex } from 'knex';
import {
  deleteNamespace,
  eventually,
  kubeconfig,
  startIntegrationBackend,
  statusCode,
} from './__testUtils__/integration';
import {
  baseUrl,
  describeReliability,
  call,
  pluginDatabase,
  pool,
  postgresBackendConfig,
  recordResult,
  usingPostgres,
} from './__testUtils__/reliability';
import { CoreV1Api } from '@kubernetes/client-node';

jest.setTimeout(300_000);

const PREVIEWS = Array.from({ length: 6 }, (_, i) => `rep-pr-${i}`);
const prefix = `rel_replicas_${Date.now()}_`;

const describeOnPostgres = usingPostgres()
  ? describeReliability
  : describe.skip;

describeOnPostgres('two backend replicas on one database', () => {
  let db: Knex;
  const replicas: Array<Awaited<ReturnType<typeof startIntegrationBackend>>> =
    [];
  const logs: string[][] = [[], []];

  beforeAll(async () => {
    await pool(PREVIEWS, 6, name => deleteNamespace(name));
    for (const i of [0, 1]) {
      replicas.push(
        await startIntegrationBackend({
          backend: postgresBackendConfig(prefix)!,
          logs: logs[i],
          stagecraft: {
            environmentTypes: [{ name: 'preview', tier: 'preview' }],
            reaper: { frequencySeconds: 1 },
          },
        }),
      );
    }
    db = pluginDatabase(prefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await pool(PREVIEWS, 6, name => deleteNamespace(name));
  });

  it('reaps every expired preview exactly once', async () => {
    // created through both replicas, all expiring in the same few seconds
    const created = await pool(PREVIEWS, 6, (name, i) =>
      call(`${baseUrl(replicas[i % 2])}/api/stagecraft/environments`, 'POST', {
        name,
        type: 'preview',
        owner: 'group:default/team-a',
        ttl: '15s',
      }),
    );
    expect(created.map(r => r.status)).toEqual(PREVIEWS.map(() => 201));
    const started = Date.now();
    const core = kubeconfig('admin').makeApiClient(CoreV1Api);
    await eventually(
      'every preview reaped',
      async () => {
        const left = await Promise.all(
          PREVIEWS.map(name =>
            core.readNamespace({ name }).then(
              () => true,
              e => statusCode(e) !== 404,
            ),
          ),
        );
        const records = await db('stagecraft_environments')
          .whereIn('name', PREVIEWS)
          .count('* as n')
          .first();
        return !left.some(Boolean) && Number(records?.n) === 0
          ? true
          : undefined;
      },
      180_000,
    );
    const reapedMs = Date.now() - started;
    // a few more reaper rounds: nothing more happens. The scheduler records
    // the end of every run of the global task in its table (whichever replica
    // ran it); wait until ROUNDS more runs have ended since now — the first
    // may have been under way already, the others started after this point.
    const ROUNDS = 3;
    const since: Date = (await db.raw('select now() as now')).rows[0].now;
    const ends = new Set<number>();
    await eventually(
      `${ROUNDS} more reaper runs`,
      async () => {
        const task = await db('backstage_backend_tasks__tasks')
          .where({ id: 'stagecraft-environment-reaper' })
          .first('last_run_ended_at');
        if (!task) throw new Error('the reaper task is not in the task table');
        const ended =
          task.last_run_ended_at && new Date(task.last_run_ended_at);
        if (ended && ended > since) ends.add(ended.getTime());
        return ends.size >= ROUNDS ? true : undefined;
      },
      60_000,
    );
    const audit = await db('stagecraft_audit_events')
      .whereIn('target', PREVIEWS)
      .andWhere({ action: 'environment.reap' })
      .select('target', 'outcome');
    const perEnv = PREVIEWS.map(
      name => audit.filter(a => a.target === name).length,
    );
    const reapersThatDeleted = logs.filter(lines =>
      lines.some(l => l.includes('reaper: deleted')),
    ).length;
    recordResult({
      scenario: 'two replicas on one database, preview reaper every second',
      faults: 0,
      attempted: PREVIEWS.length,
      completed: perEnv.filter(n => n === 1).length,
      failed: audit.filter(a => a.outcome === 'failed').length,
      lost: perEnv.filter(n => n === 0).length,
      notes: `reap audit rows per preview: ${perEnv.join(
        ',',
      )}; replicas that reaped: ${reapersThatDeleted}; all gone ${(
        reapedMs / 1000
      ).toFixed(1)} s after creation`,
    });
    expect(perEnv).toEqual(PREVIEWS.map(() => 1));
    expect(audit.every(a => a.outcome === 'succeeded')).toBe(true);
  });
});
