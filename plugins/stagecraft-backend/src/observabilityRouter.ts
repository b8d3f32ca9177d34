import type express from 'express';
import type { LogStreamEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor } from './domain/ports';
import type { LogsService } from './domain/observability/LogsService';
import type { EventsService } from './domain/observability/EventsService';

/** Heartbeat of every server-sent event stream (as the status stream's). */
const HEARTBEAT_MS = 15_000;

/** Starts a server-sent event stream; returns its writer and its close. */
function eventStream(res: express.Response, onClose: () => void) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const heartbeat = setInterval(
    () => res.write(': keep-alive\n\n'),
    HEARTBEAT_MS,
  );
  res.on('close', () => {
    clearInterval(heartbeat);
    onClose();
  });
  return {
    send(event: string, data: unknown) {
      if (res.writableEnded || res.destroyed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      (res as unknown as { flush?: () => void }).flush?.();
    },
    end() {
      clearInterval(heartbeat);
      if (!res.writableEnded) res.end();
    },
  };
}

/** `<name>-<environment>.log`: a safe download name. */
const fileName = (ref: string, environment: string) =>
  `${ref
    .split('/')
    .pop()!
    .replace(/[^a-z0-9_.-]/gi, '_')}-${environment}.log`;

/**
 * Logs and Kubernetes events (issue 23): thin doors to LogsService and
 * EventsService. Validation, permission and limits are theirs; this only
 * picks JSON, text or a server-sent event stream.
 */
export function addObservabilityRoutes(
  router: express.Router,
  options: {
    actor: (req: express.Request) => Promise<Actor>;
    logs: LogsService;
    events: EventsService;
  },
) {
  const { actor, logs, events } = options;

  router.get('/components/:ref/logs', async (req, res) => {
    const who = await actor(req);
    const query = logs.parse(req.query);
    if (!query.follow) {
      const result = await logs.read(who, req.params.ref, req.query);
      if (query.format === 'text') {
        res
          .type('text/plain; charset=utf-8')
          .set('X-Content-Type-Options', 'nosniff')
          .set(
            'Content-Disposition',
            `attachment; filename="${fileName(
              req.params.ref,
              query.environment,
            )}"`,
          )
          .send(
            result.lines
              .map(l => `${l.time} ${l.pod}/${l.container} ${l.text}\n`)
              .join(''),
          );
        return;
      }
      res.json(result);
      return;
    }
    const follow = await logs.follow(who, req.params.ref, req.query);
    const controller = new AbortController();
    const stream = eventStream(res, () => controller.abort());
    await follow.run(
      (e: LogStreamEvent) => stream.send(e.type, e),
      controller.signal,
    );
    stream.end();
  });

  const watchOrList =
    (
      scopeOf: (
        who: Actor,
        req: express.Request,
      ) => ReturnType<EventsService['component']>,
    ) =>
    async (req: express.Request, res: express.Response) => {
      const scope = await scopeOf(await actor(req), req);
      if (!scope.watch) {
        res.json(await events.list(scope));
        return;
      }
      // the first answer is ready when the watch starts: errors stay HTTP errors
      const pending: unknown[] = [];
      const open: { stream?: ReturnType<typeof eventStream> } = {};
      const stop = await events.watch(
        scope,
        r => (open.stream ? open.stream.send('events', r) : pending.push(r)),
        () => open.stream?.end(),
      );
      open.stream = eventStream(res, stop);
      for (const r of pending) open.stream.send('events', r);
    };

  router.get(
    '/components/:ref/cluster-events',
    watchOrList((who, req) => events.component(who, req.params.ref, req.query)),
  );
  router.get(
    '/environments/:name/cluster-events',
    watchOrList((who, req) =>
      events.environmentScope(who, req.params.name, req.query),
    ),
  );
}
