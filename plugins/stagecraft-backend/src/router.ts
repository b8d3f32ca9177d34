import express from 'express';
import { createSpecRouter, retryAfter } from './openapiRouter';
import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { ClusterGateway, Actor } from './domain/ports';
import { getHealth } from './domain/health/getHealth';
import type { EnvironmentService } from './domain/environments/EnvironmentService';
import type { DeploymentService } from './domain/deployments/DeploymentService';
import type { ConfigService } from './domain/config/ConfigService';
import type { SecretService } from './domain/config/SecretService';
import type { EnvironmentTypeSpec } from './domain/environments/types';
import type { ResourceService } from './domain/resources/ResourceService';
import type { ManifestService } from './domain/manifests/ManifestService';
import type { SourceService } from './domain/sources/SourceService';
import type { ApprovalService } from './domain/approvals/ApprovalService';
import type { ApprovalFeed } from './domain/approvals/ApprovalFeed';
import type { OperationsService } from './domain/operations/OperationsService';
import type { CloneService } from './domain/operations/CloneService';
import type { TeardownService } from './domain/operations/TeardownService';
import type { ActionsService } from './domain/actions/ActionsService';
import type { LogsService } from './domain/observability/LogsService';
import type { EventsService } from './domain/observability/EventsService';
import { addObservabilityRoutes } from './observabilityRouter';
import { actorOf } from './actorOf';
import { normalizeComponentRef } from './domain/deployments/DeploymentService';
import type {
  DeploymentStreamEvent,
  EnvironmentDeployment,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * Translates HTTP to use cases and nothing else: validation, permissions,
 * cluster writes and audit are the domain's. Routes are described in
 * src/schema/openapi.yaml, which types the handlers. Only /health is open
 * (see plugin.ts).
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  gateway: ClusterGateway;
  environmentTypes: EnvironmentTypeSpec[];
  environments: EnvironmentService;
  deployments: DeploymentService;
  config: ConfigService;
  secrets: SecretService;
  resources: ResourceService;
  manifests: ManifestService;
  /** The offline publish target; absent unless stagecraft.localSources.enabled. */
  sources?: SourceService;
  approvals: ApprovalService;
  /** Approval requests as they change (the Deployments stream's `approval` events). */
  approvalFeed?: ApprovalFeed;
  operations: OperationsService;
  clones: CloneService;
  teardown: TeardownService;
  /** What the user may do where, and why not; the promotion pipelines. */
  actions: ActionsService;
  /** Logs and Kubernetes events (observabilityRouter.ts). */
  logs: LogsService;
  events: EventsService;
  healthTimeoutMs: number;
}): Promise<express.Router> {
  const {
    httpAuth,
    logger,
    gateway,
    environmentTypes,
    environments,
    deployments,
  } = options;
  // typed by src/schema/openapi.yaml (openapiRouter.ts)
  const router = await createSpecRouter();

  const actor = async (req: express.Request): Promise<Actor> =>
    actorOf(
      await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      }),
    );

  router.get('/health', async (_req, res) => {
    res.json(
      await getHealth({ gateway }, { timeoutMs: options.healthTimeoutMs }),
    );
  });

  router.get('/environment-types', async (req, res) => {
    await actor(req);
    res.json({
      items: environmentTypes.map(t => ({
        name: t.name,
        tier: t.tier,
        ...(t.description && { description: t.description }),
        quota: t.quota,
        ...(t.defaultTtl && { defaultTtl: t.defaultTtl }),
        ...(t.maxTtl && { maxTtl: t.maxTtl }),
        order: t.order,
        ...(t.approvals && { approvals: t.approvals }),
        ...(t.deployWindows && { deployWindows: t.deployWindows }),
      })),
    });
  });

  router.get('/environments', async (req, res) => {
    res.json({ items: await environments.list(await actor(req)) });
  });

  router.post('/environments', async (req, res) => {
    const { environment, created } = await environments.create(
      await actor(req),
      req.body,
      msg => logger.info(`environment ${req.body?.name}: ${msg}`),
    );
    res.status(created ? 201 : 200).json(environment);
  });

  router.post('/environments/:name/provision', async (req, res) => {
    const { environment, created } = await environments.provisionDeclared(
      await actor(req),
      req.params.name,
      msg => logger.info(`environment ${req.params.name}: ${msg}`),
    );
    res.status(created ? 201 : 200).json(environment);
  });

  router.get('/environments/:name', async (req, res) => {
    res.json(await environments.get(await actor(req), req.params.name));
  });

  router.patch('/environments/:name', async (req, res) => {
    res.json(
      await environments.update(await actor(req), req.params.name, req.body),
    );
  });

  router.post('/environments/:name/extend', async (req, res) => {
    res.json(
      await environments.extend(await actor(req), req.params.name, req.body),
    );
  });

  router.delete('/environments/:name', async (req, res) => {
    const who = await actor(req);
    const progress = (msg: string) =>
      logger.info(`environment ${req.params.name}: ${msg}`);
    if (req.body?.dryRun === true) {
      await environments.delete(who, req.params.name, req.body, progress);
      res.status(200).json({ name: req.params.name, dryRun: true });
      return;
    }
    if (req.query.wait === 'false') {
      // the checks (name, permission, confirmation) answer before the 202
      const outcome = environments
        .delete(who, req.params.name, req.body, progress)
        .then(
          () => 'done' as const,
          (e: Error) => e,
        );
      const early = await Promise.race([
        outcome,
        new Promise<'running'>(r => setTimeout(() => r('running'), 200)),
      ]);
      if (early instanceof Error) throw early;
      if (early === 'running') {
        outcome.then(r => {
          if (r instanceof Error)
            logger.warn(`delete ${req.params.name}: ${r}`);
        });
        res.status(202).json({ name: req.params.name, phase: 'Deleting' });
        return;
      }
    } else {
      await environments.delete(who, req.params.name, req.body, progress);
    }
    res.status(204).end();
  });

  router.post('/environments/:name/apply', async (req, res) => {
    const result = await options.manifests.apply(
      await actor(req),
      req.params.name,
      req.body,
    );
    res
      .status(result.dryRun || !result.changed.length ? 200 : 201)
      .json(result);
  });

  router.put('/sources/:repo', async (req, res) => {
    if (!options.sources) {
      res.status(404).json({
        error: {
          name: 'NotFoundError',
          message:
            'local sources are disabled (stagecraft.localSources.enabled)',
        },
      });
      return;
    }
    res.json(
      await options.sources.publish(
        await actor(req),
        req.params.repo,
        req.body,
      ),
    );
  });

  // read by the catalog's UrlReader (no token): files as plain text; the
  // path has slashes, which `{path}` of the spec cannot type
  (router as express.Router).get(
    '/sources/:repo/:path(*)',
    async (req, res) => {
      if (!options.sources) {
        res.status(404).end();
        return;
      }
      const content = await options.sources.read(
        req.params.repo,
        req.params.path,
      );
      res
        .type('text/plain; charset=utf-8')
        .set('X-Content-Type-Options', 'nosniff')
        .send(content);
    },
  );

  // resources provisioned in an environment and who asked for them
  router.get('/environments/:name/resources', async (req, res) => {
    res.json({
      items: await options.resources.list(await actor(req), req.params.name),
    });
  });

  router.get('/environments/:name/audit', async (req, res) => {
    res.json({
      items: await environments.auditTrail(await actor(req), req.params.name),
    });
  });

  // layered, versioned configuration of an environment or a component in it
  const scopeOf = (req: express.Request) => ({
    environment: req.query.environment,
    component: req.query.component,
  });
  router.get('/config', async (req, res) => {
    res.json(await options.config.get(await actor(req), scopeOf(req)));
  });
  router.put('/config', async (req, res) => {
    // `PUT /config?dryRun=true` is the same as `dryRun: true` in the body
    const body =
      req.query.dryRun === 'true' ? { ...req.body, dryRun: true } : req.body;
    const result = await options.config.set(await actor(req), body);
    res
      .status(result.dryRun || !result.changes.length ? 200 : 201)
      .json(result);
  });
  router.get('/config/history', async (req, res) => {
    res.json({
      items: await options.config.history(await actor(req), scopeOf(req)),
    });
  });
  router.post('/config/rollback', async (req, res) => {
    res.json(await options.config.rollback(await actor(req), req.body));
  });

  // write-only secrets: responses carry keys, versions and fingerprints only
  router.get('/secrets', async (req, res) => {
    res.json({
      items: await options.secrets.list(await actor(req), scopeOf(req)),
    });
  });
  router.put('/secrets', async (req, res) => {
    res.json(await options.secrets.set(await actor(req), req.body));
  });
  router.delete('/secrets', async (req, res) => {
    await options.secrets.delete(await actor(req), req.body);
    res.status(204).end();
  });

  // deployments of a component (ref URL-encoded: component%3Adefault%2Fcheckout)
  // serialised once per state with a strong ETag: `If-None-Match` with the
  // current one answers 304 without a body (express compares them in send);
  // `no-cache` makes browsers revalidate instead of reusing without asking
  router.get('/components/:ref/deployments', async (req, res) => {
    const view = await deployments.deploymentsView(
      await actor(req),
      req.params.ref,
    );
    res.set({ ETag: view.etag, 'Cache-Control': 'private, no-cache' });
    // the body is serialised once per state (JSON of the spec's shape)
    (res as express.Response).type('application/json').send(view.body);
  });

  // live status as server-sent events: the current state, then every change
  router.get('/components/:ref/events', async (req, res) => {
    const who = await actor(req);
    const initial = await deployments.deployments(who, req.params.ref);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const write = (event: DeploymentStreamEvent) => {
      res.write(
        `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`,
      );
      (res as unknown as { flush?: () => void }).flush?.();
    };
    const send = (data: EnvironmentDeployment) =>
      write({ event: 'status', data });
    initial.forEach(send);
    const unwatch = deployments.watch(who, req.params.ref, send);
    const unwatchApprovals = options.approvalFeed?.watch(
      who,
      normalizeComponentRef(req.params.ref),
      data => write({ event: 'approval', data }),
    );
    const unsubscribe = () => {
      unwatch();
      unwatchApprovals?.();
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
    });
  });

  router.get('/components/:ref/drift', async (req, res) => {
    res.json({
      items: await deployments.drift(
        await actor(req),
        req.params.ref,
        req.query.environment,
      ),
    });
  });

  router.get('/components/:ref/history', async (req, res) => {
    res.json({
      items: await deployments.history(
        await actor(req),
        req.params.ref,
        req.query.environment,
      ),
    });
  });

  for (const action of ['deploy', 'promote', 'rollback'] as const) {
    router.post(`/components/:ref/${action}`, async (req, res) => {
      const result = await deployments[action](
        await actor(req),
        req.params.ref,
        req.body,
        msg => logger.info(`${req.params.ref}: ${msg}`),
      );
      // 202: the environment requires approval; nothing was applied yet
      let status = 201;
      if (result.dryRun) status = 200;
      else if (result.pending) status = 202;
      res.status(status).json(result);
    });
  }

  // day-2 operations
  router.post('/components/:ref/restart', async (req, res) => {
    res.json(
      await options.operations.restart(
        await actor(req),
        req.params.ref,
        req.body,
      ),
    );
  });
  router.post('/components/:ref/scale', async (req, res) => {
    res.json(
      await options.operations.scale(
        await actor(req),
        req.params.ref,
        req.body,
      ),
    );
  });
  router.post('/environments/:name/pause', async (req, res) => {
    res.json(await options.operations.pause(await actor(req), req.params.name));
  });
  router.post('/environments/:name/resume', async (req, res) => {
    res.json(
      await options.operations.resume(await actor(req), req.params.name),
    );
  });
  router.get('/environments/:name/usage', async (req, res) => {
    res.json(await options.operations.usage(await actor(req), req.params.name));
  });
  router.get('/usage', async (req, res) => {
    res.json({
      items: await options.operations.usageOf(await actor(req), req.query),
    });
  });
  router.post('/environments/:name/clone', async (req, res) => {
    const result = await options.clones.clone(
      await actor(req),
      req.params.name,
      req.body,
    );
    res.status(req.body?.dryRun === true ? 200 : 201).json(result);
  });

  // approvals of protected deploys
  router.get('/approvals', async (req, res) => {
    res.json({
      items: await options.approvals.list(await actor(req), req.query),
    });
  });
  router.get('/approvals/:id', async (req, res) => {
    res.json(await options.approvals.get(await actor(req), req.params.id));
  });
  router.post('/approvals/:id/approve', async (req, res) => {
    res.json(
      await options.approvals.approve(
        await actor(req),
        req.params.id,
        req.body,
      ),
    );
  });
  router.post('/approvals/:id/withdraw', async (req, res) => {
    res.json(
      await options.approvals.withdraw(
        await actor(req),
        req.params.id,
        req.body,
      ),
    );
  });
  router.post('/approvals/:id/reject', async (req, res) => {
    res.json(
      await options.approvals.reject(await actor(req), req.params.id, req.body),
    );
  });

  // what the user may do, and why not (the tooltips of disabled controls)
  router.get('/components/:ref/actions', async (req, res) => {
    res.json(
      await options.actions.forComponent(
        await actor(req),
        req.params.ref,
        req.query.environment,
      ),
    );
  });
  router.get('/environments/:name/actions', async (req, res) => {
    res.json(
      await options.actions.forEnvironment(await actor(req), req.params.name),
    );
  });
  // the promotion pipelines (order and each environment's target)
  router.get('/pipeline', async (req, res) => {
    res.json({
      items: await options.actions.pipelines(await actor(req), req.query),
    });
  });

  // teardown of what a template run created
  router.get('/teardown/:taskId', async (req, res) => {
    res.json(await options.teardown.plan(await actor(req), req.params.taskId));
  });
  router.post('/teardown/:taskId', async (req, res) => {
    res.json(
      await options.teardown.teardown(
        await actor(req),
        req.params.taskId,
        req.body,
        msg => logger.info(`teardown ${req.params.taskId}: ${msg}`),
      ),
    );
  });

  addObservabilityRoutes(router, {
    actor,
    logs: options.logs,
    events: options.events,
  });

  router.use(retryAfter);
  return router;
}
