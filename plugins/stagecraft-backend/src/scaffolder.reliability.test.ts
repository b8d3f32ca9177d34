// A backend restart in the middle of a scaffolder task with a Stagecraft
// action: the deploy step records its result as a task checkpoint (what the
// scaffolder persists with the task); the backend goes away right after the
// deploy, while the step waits for the rollout, so that run fails; a new
// backend on the same database resumes the task, the checkpoint answers
// instead of a second deploy, and the step completes. One revision, one
// audit row: never applied twice.
import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonValue } from '@backstage/types';
import { createDeployAction } from '@stagecraft/backstage-plugin-scaffolder-backend-module-stagecraft';
import { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
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
  call,
  describeReliability,
  pluginDatabase,
  postgresBackendConfig,
  recordResult,
  usingPostgres,
  writeCatalog,
} from './__testUtils__/reliability';

jest.setTimeout(300_000);

const ENV = 'task-dev';
const COMPONENT = 'task-svc';
const REF = `component:default/${COMPONENT}`;
const prefix = `rel_task_${Date.now()}_`;
const describeOnPostgres = usingPostgres()
  ? describeReliability
  : describe.skip;

function clientFor(url: string) {
  const base = `${url}/api/stagecraft`;
  return new StagecraftClient({
    discovery: {
      getBaseUrl: async () => base,
      getExternalBaseUrl: async () => base,
    },
    auth: {
      getPluginRequestToken: async () => ({
        token: mockCredentials.user.token(),
      }),
    } as any,
  });
}

describeOnPostgres('backend restart during a scaffolder task', () => {
  let dir: string;
  let db: Knex;

  const start = () =>
    startIntegrationBackend({
      backend: postgresBackendConfig(prefix)!,
      catalog: {
        locations: [{ type: 'file', target: writeCatalog(dir, [COMPONENT]) }],
      },
      stagecraft: {
        environmentTypes: [{ name: 'development', tier: 'development' }],
      },
    });

  beforeAll(async () => {
    await deleteNamespace(ENV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-task-'));
    db = pluginDatabase(prefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await deleteNamespace(ENV);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint on the new backend and never deploys twice', async () => {
    const first = await start();
    const firstUrl = baseUrl(first);
    await eventually(
      'the component in the catalog',
      async () =>
        (
          await call(
            `${firstUrl}/api/catalog/entities/by-name/component/default/${COMPONENT}`,
            'GET',
          )
        ).status === 200
          ? true
          : undefined,
      120_000,
    );
    expect(
      (
        await call(`${firstUrl}/api/stagecraft/environments`, 'POST', {
          name: ENV,
          type: 'development',
          owner: 'group:default/team-a',
        })
      ).status,
    ).toBe(201);

    // the task's checkpoints, as the scaffolder keeps them with the task
    const checkpoints = new Map<string, JsonValue>();
    let crashAfterCheckpoint = true;
    let calls = 0;
    const context = () =>
      createMockActionContext({
        input: {
          component: REF,
          environment: ENV,
          image: '2.0.0',
          wait: true,
          timeoutSeconds: 60,
        },
        task: { id: 'task-restart-1' } as any,
      });
    const run = async (url: string) => {
      const ctx = context();
      (ctx as any).checkpoint = async (opts: {
        key: string;
        fn: () => Promise<JsonValue>;
      }) => {
        if (checkpoints.has(opts.key)) return checkpoints.get(opts.key);
        calls++;
        const value = await opts.fn();
        checkpoints.set(opts.key, value);
        if (crashAfterCheckpoint) {
          // the backend goes away right after the deploy was recorded
          crashAfterCheckpoint = false;
          await first.stop();
        }
        return value;
      };
      await createDeployAction({
        client: clientFor(url),
        sleep: ms => new Promise(r => setTimeout(r, Math.min(ms, 500))),
      }).handler(ctx as any);
      return ctx;
    };

    // first run: deploys, then loses its backend while waiting for the rollout
    let firstError: unknown;
    await run(firstUrl).catch(e => {
      firstError = e;
    });
    expect(firstError).toBeDefined();

    // a new backend on the same database; the task resumes
    const second = await start();
    const ctx = await run(baseUrl(second));
    expect(ctx.output).toHaveBeenCalledWith('revision', 1);

    const revisions = await db('stagecraft_deployment_revisions')
      .where({ component: REF, environment: ENV })
      .select('revision');
    const audit = await db('stagecraft_audit_events')
      .where({ action: 'deployment.deploy', target: `${REF}@${ENV}` })
      .select('outcome');
    recordResult({
      scenario:
        'backend stopped during a scaffolder deploy step, task resumed on a new backend',
      faults: 1,
      attempted: 2,
      completed: 1,
      failed: 1,
      lost: 0,
      notes: `deploy called ${calls}×, ${revisions.length} revision(s), ${
        audit.length
      } audit row(s); first run failed with "${String(
        (firstError as Error)?.message ?? firstError,
      ).slice(0, 80)}"`,
    });
    expect(calls).toBe(1);
    expect(revisions).toHaveLength(1);
    expect(audit).toEqual([{ outcome: 'succeeded' }]);
  });
});
