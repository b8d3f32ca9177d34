/*
 * The benchmark's Backstage backend: one process with the catalog,
 * @backstage/plugin-kubernetes-backend (config cluster locator, service
 * account auth) and Stagecraft, all reading the same clusters.
 *
 * Run by bench/status.mjs (node --require @backstage/cli-node/config/nodeTransform.cjs);
 * it reads $BENCH_CONFIG (written by status.mjs): the app-config, the
 * environments and the deployment records to seed into Stagecraft's store.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseStore } from '../plugins/stagecraft-backend/src/store/DatabaseStore';
import { startProfile } from '../plugins/stagecraft-backend/src/__testUtils__/profile';

interface BenchConfig {
  appConfig: Record<string, unknown>;
  dbDirectory: string;
  environments: Array<{
    name: string;
    tier: 'development' | 'staging' | 'production';
    cluster: string;
    namespace: string;
  }>;
  /** component name → environment names it is deployed in */
  deployments: Array<{ component: string; environments: string[] }>;
}

const bench: BenchConfig = JSON.parse(
  fs.readFileSync(process.env.BENCH_CONFIG!, 'utf8'),
);

/** Environments and one revision per (component, environment), through the store's own API. */
async function seed() {
  const started = Date.now();
  fs.mkdirSync(bench.dbDirectory, { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(bench.dbDirectory, 'stagecraft.sqlite') },
    useNullAsDefault: true,
  });
  const store = await DatabaseStore.create({ knex });
  const now = new Date().toISOString();
  for (const e of bench.environments) {
    await store.putEnvironment({
      name: e.name,
      type: e.tier,
      tier: e.tier,
      cluster: e.cluster,
      namespace: e.namespace,
      owner: 'group:default/bench',
      quota: { cpu: '1000', memory: '4Ti', pods: 20000 },
      phase: 'Ready',
      createdBy: 'user:default/bench',
      createdAt: now,
      updatedAt: now,
    } as any);
  }
  let revisions = 0;
  for (const d of bench.deployments) {
    for (const environment of d.environments) {
      await store.appendRevision({
        component: `component:default/${d.component}`,
        environment,
        releaseId: 'r-000000000001',
        image: 'registry.example.com/bench/svc:1.0.0',
        action: 'deploy',
        actor: 'user:default/bench',
        at: now,
        replicas: 5,
        kubernetesId: d.component,
        changed: [],
      });
      revisions++;
    }
  }
  await knex.destroy();
  // eslint-disable-next-line no-console
  console.log(
    `BENCH seeded ${
      bench.environments.length
    } environments, ${revisions} revisions in ${Date.now() - started} ms`,
  );
}

/**
 * GET /api/bench/process: this process's memory and CPU; POST
 * /api/bench/profile/start and /stop: a CPU profile of what ran between the
 * two (for the driver).
 */
const benchProbe = createBackendPlugin({
  pluginId: 'bench',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const { Router } = await import('express');
        const router = Router();
        router.get('/process', (_req, res) => {
          if (_req.query.gc === '1') (global as any).gc?.();
          res.json({
            pid: process.pid,
            memory: process.memoryUsage(),
            cpu: process.cpuUsage(),
          });
        });
        // a CPU profile of this process between two calls (the driver wraps
        // one phase in it), summarised by where the self time went
        let stop: Awaited<ReturnType<typeof startProfile>> | undefined;
        router.post('/profile/start', async (_req, res) => {
          await stop?.();
          stop = await startProfile();
          res.json({ started: true });
        });
        router.post('/profile/stop', async (req, res) => {
          if (!stop) {
            res.status(409).json({ error: 'no profile running' });
            return;
          }
          const summary = await stop(String(req.query.file ?? '') || undefined);
          stop = undefined;
          res.json(summary);
        });
        httpRouter.use(router);
        for (const p of ['/process', '/profile']) {
          httpRouter.addAuthPolicy({ path: p, allow: 'unauthenticated' });
        }
      },
    });
  },
});

async function main() {
  await seed();
  const backend = createBackend();
  // the app-config comes from --config (written by the driver)
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-kubernetes-backend'));
  backend.add(import('@stagecraft/backstage-plugin-stagecraft-backend'));
  backend.add(benchProbe);
  await backend.start();
  // eslint-disable-next-line no-console
  console.log('BENCH backend started');
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
