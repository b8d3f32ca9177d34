/*
 * The live-stream phase of `yarn bench:status` (issue 27, item 4): STREAMS
 * open Deployments tabs (server-sent events, /components/:ref/events) over the
 * viewed components, while RATE changes a second reach the API server for
 * DURATION seconds. A change flips the Ready condition of one pod of one
 * viewed component in its dev environment (the instance's controller-manager
 * is stopped, so nothing writes it back), round robin over the components.
 *
 * Measured: for each change, from the API server's answer to the PATCH to the
 * moment the last of that component's streams got the new ready count (and
 * every stream's own delay); the backend's RSS and V8 heap with the streams
 * open against without (both after a GC), so memory per stream; its CPU while
 * the streams idle and while the changes flow; after the changes stop, whether
 * every stream ended on the state the REST endpoint answers (coalescing must
 * never drop the last state).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const sleep = ms => new Promise(r => setTimeout(r, ms));

/**
 * One open stream: the events it got, by environment, in order; `onArrival`,
 * when set, is called after each (the freshness phase waits on it).
 */
export function openStream(port, token, component) {
  const stream = {
    component,
    last: new Map(),
    arrivals: [],
    req: undefined,
    onArrival: undefined,
  };
  return new Promise((resolve, reject) => {
    const req = http.get(
      `http://127.0.0.1:${port}/api/stagecraft/components/${encodeURIComponent(
        `component:default/${component}`,
      )}/events`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    req.on('response', res => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream ${component}: ${res.statusCode}`));
        res.resume();
        return;
      }
      stream.req = req;
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', chunk => {
        buf += chunk;
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (!block.startsWith('event: status')) continue;
          const line = block.split('\n').find(l => l.startsWith('data: '));
          const d = JSON.parse(line.slice(6));
          const ready = d.status?.pods?.ready;
          stream.last.set(d.environment, ready);
          stream.arrivals.push({
            at: performance.now(),
            environment: d.environment,
            ready,
          });
          stream.onArrival?.();
        }
      });
      res.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
  });
}

/** Sets the Ready condition of a pod (the status subresource), through `request`. */
export function setPodReady(request, ns, pod, ready) {
  return request(
    'PATCH',
    `/api/v1/namespaces/${ns}/pods/${pod}/status`,
    {
      status: {
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    },
    'application/strategic-merge-patch+json',
  );
}

async function until(what, check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: timed out`);
    await sleep(20);
  }
}

const round = (v, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * ctx: { request, backendGet, procSample, percentile, log, port, token,
 * backendPid, viewed, envOf(component) → environment (= namespace),
 * labelId, streams, rate, duration }
 */
export async function liveStreams(ctx) {
  const { viewed, streams: count, rate, duration } = ctx;
  const { percentile, log } = ctx;
  // the pod whose Ready condition each component's changes flip
  const targets = [];
  for (const component of viewed) {
    const ns = ctx.envOf(component);
    const pods = await ctx.request(
      'GET',
      `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(
        `${ctx.labelId}=${component}`,
      )}`,
    );
    const isReady = p =>
      (p.status?.conditions ?? []).some(
        c => c.type === 'Ready' && c.status === 'True',
      );
    // the state the pods are in (an earlier phase may have left one unready)
    targets.push({
      component,
      ns,
      pod: pods.items[0].metadata.name,
      ready: pods.items.filter(isReady).length,
      podsReady: isReady(pods.items[0]),
    });
  }

  const before = (await ctx.backendGet('/api/bench/process?gc=1')).body.memory;
  log(`  opening ${count} streams over ${viewed.length} components`);
  const opened = performance.now();
  const streams = [];
  for (let i = 0; i < count; i += 50) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, k) =>
          openStream(ctx.port, ctx.token, viewed[(i + k) % viewed.length]),
        ),
      )),
    );
  }
  // every stream has its initial state of the dev environment
  await until(
    'initial states',
    () => streams.every(s => s.last.has(ctx.envOf(s.component))),
    120_000,
  );
  const openSeconds = (performance.now() - opened) / 1000;
  const open = (await ctx.backendGet('/api/bench/process?gc=1')).body.memory;
  const idleFrom = ctx.procSample(ctx.backendPid);
  await sleep(5_000);
  const idleTo = ctx.procSample(ctx.backendPid);

  // the changes
  const byComponent = new Map(viewed.map(c => [c, []]));
  streams.forEach(s => byComponent.get(s.component).push(s));
  const changes = [];
  const total = Math.round(rate * duration);
  const started = performance.now();
  const cpuFrom = ctx.procSample(ctx.backendPid);
  const inFlight = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = targets[n % targets.length];
    t.podsReady = !t.podsReady;
    t.ready += t.podsReady ? 1 : -1;
    const change = { target: t, expected: t.ready, seq: n };
    changes.push(change);
    inFlight.push(
      setPodReady(ctx.request, t.ns, t.pod, t.podsReady).then(
        () => {
          change.answered = performance.now();
        },
        e => {
          change.error = e.message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const sentSeconds = (performance.now() - started) / 1000;

  // the end state: every stream on what REST answers (the last state is never dropped)
  const settleFrom = performance.now();
  let settled = true;
  try {
    await until(
      'streams on the last state',
      () =>
        targets.every(t =>
          byComponent.get(t.component).every(s => s.last.get(t.ns) === t.ready),
        ),
      15_000,
    );
  } catch {
    settled = false;
  }
  const settleMs = performance.now() - settleFrom;
  const cpuTo = ctx.procSample(ctx.backendPid);
  let restAgrees = 0;
  for (const t of targets) {
    const r = await ctx.backendGet(
      `/api/stagecraft/components/${encodeURIComponent(
        `component:default/${t.component}`,
      )}/deployments`,
    );
    const d = r.body.items?.find(x => x.environment === t.ns);
    if (d?.status?.pods?.ready === t.ready) restAgrees++;
  }
  const targetOf = new Map(targets.map(t => [t.component, t]));
  const wrongEnd = streams.filter(s => {
    const t = targetOf.get(s.component);
    return s.last.get(t.ns) !== t.ready;
  }).length;

  // per change: when each of the component's streams first showed it
  // (before the component's next change; a change coalesced into the next
  // one is counted as not shown, never as fast)
  const toLast = [];
  const perStream = [];
  let notShown = 0;
  const next = new Map();
  for (let k = changes.length - 1; k >= 0; k--) {
    const c = changes[k];
    c.nextAnswered = next.get(c.target.component);
    next.set(c.target.component, c.answered);
  }
  for (const c of changes) {
    if (c.error || c.answered === undefined) continue;
    let slowest = 0;
    let all = true;
    for (const s of byComponent.get(c.target.component)) {
      const hit = s.arrivals.find(
        a =>
          a.at >= c.answered &&
          (c.nextAnswered === undefined || a.at < c.nextAnswered) &&
          a.environment === c.target.ns &&
          a.ready === c.expected,
      );
      if (!hit) {
        all = false;
        notShown++;
        continue;
      }
      perStream.push(hit.at - c.answered);
      slowest = Math.max(slowest, hit.at - c.answered);
    }
    if (all) toLast.push(slowest);
  }
  toLast.sort((a, b) => a - b);
  perStream.sort((a, b) => a - b);
  const cores = (from, to) =>
    round(((to.ticks - from.ticks) / 100 / ((to.at - from.at) / 1000)) * 100);

  for (const s of streams) s.req.destroy();
  const result = {
    streams: count,
    components: viewed.length,
    changesPerSecond: rate,
    changes: changes.length,
    changesSentPerSecond: round(changes.length / sentSeconds),
    patchErrors: changes.filter(c => c.error).length,
    openSeconds: round(openSeconds),
    toLastStreamMs: {
      p50: round(percentile(toLast, 50)),
      p95: round(percentile(toLast, 95)),
      p99: round(percentile(toLast, 99)),
      max: round(toLast.at(-1) ?? NaN),
      changesSeenByAll: toLast.length,
    },
    perStreamMs: {
      p50: round(percentile(perStream, 50)),
      p99: round(percentile(perStream, 99)),
    },
    deliveriesNotShown: notShown,
    endState: {
      settled,
      settleMs: Math.round(settleMs),
      streamsOnWrongState: wrongEnd,
      restAgrees: `${restAgrees}/${targets.length}`,
    },
    memory: {
      rssPerStreamKb: round((open.rss - before.rss) / 1024 / count),
      heapPerStreamKb: round((open.heapUsed - before.heapUsed) / 1024 / count),
      rssMbWithout: Math.round(before.rss / 1048576),
      rssMbWith: Math.round(open.rss / 1048576),
    },
    cpu: {
      idleStreamsPercentOfCore: cores(idleFrom, idleTo),
      duringChangesPercentOfCore: cores(cpuFrom, cpuTo),
    },
  };
  return result;
}
