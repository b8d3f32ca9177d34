import type { LogStreamEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import { StagecraftClient } from './StagecraftApi';

const BASE = 'http://localhost:7007/api/stagecraft';
const REF = 'component:default/payments-worker';
const ENC = 'component%3Adefault%2Fpayments-worker';

/** Lets the streams' promises run (no time passes). */
const tick = () => new Promise(r => setTimeout(r, 0));

/** A streamed body the test writes to (`push`) and ends (`end`). */
function streamed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    body,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

function client(answer: (url: string, init?: RequestInit) => Response) {
  const fetch = jest.fn(async (url: string, init?: RequestInit) =>
    answer(url, init),
  );
  const c = new StagecraftClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { c, fetch };
}

const json = (body: unknown, status = 200) =>
  ({
    ok: status < 400,
    status,
    statusText: String(status),
    headers: new Headers({ 'Content-Type': 'application/json' }),
    text: async () => JSON.stringify(body),
    json: async () => body,
  } as unknown as Response);

const sse = (body: ReadableStream<Uint8Array>) =>
  ({
    ok: true,
    status: 200,
    headers: new Headers({ 'Content-Type': 'text/event-stream' }),
    body,
  } as unknown as Response);

const line = {
  pod: 'payments-worker-a',
  container: 'main',
  time: '2026-12-01T12:00:00Z',
  text: 'hello',
};

describe('StagecraftClient logs and cluster events', () => {
  it('getLogs sends the query', async () => {
    const { c, fetch } = client(() => json({ pods: [], lines: [line] }));
    const r = await c.getLogs(REF, {
      environment: 'payments-dev',
      pod: 'payments-worker-a',
      container: 'main',
      previous: true,
      tailLines: 100,
      sinceSeconds: 60,
    });
    expect(r.lines).toEqual([line]);
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/components/${ENC}/logs?environment=payments-dev&pod=payments-worker-a&container=main&previous=true&sinceSeconds=60&tailLines=100`,
    );
  });

  it('followLogs relays pods, line, notice and end; stop aborts the request', async () => {
    const s = streamed();
    let signal: AbortSignal | undefined;
    const { c, fetch } = client((_url, init) => {
      signal = init?.signal ?? undefined;
      return sse(s.body);
    });
    const events: LogStreamEvent[] = [];
    const onClose = jest.fn();
    const stop = c.followLogs(
      REF,
      { environment: 'payments-dev', tailLines: 10 },
      { onEvent: e => events.push(e), onClose },
    );
    await tick();
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/components/${ENC}/logs?environment=payments-dev&tailLines=10&follow=true`,
    );
    expect(fetch.mock.calls[0][1]).toEqual(
      expect.objectContaining({
        headers: { Accept: 'text/event-stream' },
      }),
    );
    s.push(
      `event: pods\ndata: ${JSON.stringify({ type: 'pods', pods: [] })}\n\n`,
    );
    s.push(': heartbeat\n\n');
    s.push(`event: line\ndata: ${JSON.stringify({ type: 'line', line })}\n\n`);
    s.push(
      `event: notice\ndata: ${JSON.stringify({
        message: 'a pod went away',
      })}\n\n`,
    );
    s.push(
      `event: end\ndata: ${JSON.stringify({
        type: 'end',
        reason: 'done',
      })}\n\n`,
    );
    s.end();
    await tick();
    await tick();
    expect(events).toEqual([
      { type: 'pods', pods: [] },
      { type: 'line', line },
      { type: 'notice', message: 'a pod went away' },
      { type: 'end', reason: 'done' },
    ]);
    expect(onClose).toHaveBeenCalled();
    expect(signal?.aborted).toBe(false);
    stop();
    expect(signal?.aborted).toBe(true);
  });

  it('followLogs reports a refusal and does not reconnect', async () => {
    const { c, fetch } = client(() =>
      json({ error: { name: 'NotAllowedError', message: 'denied' } }, 403),
    );
    const onError = jest.fn();
    c.followLogs(
      REF,
      { environment: 'payments-prod' },
      { onEvent: () => {}, onError },
    );
    await tick();
    await tick();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0][0].response.status).toBe(403);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('downloadLogs reads format=text with the token-carrying fetch', async () => {
    const { c, fetch } = client(
      () =>
        ({
          ok: true,
          status: 200,
          blob: async () => new Blob(['a\nb\n']),
        } as unknown as Response),
    );
    const blob = await c.downloadLogs(REF, {
      environment: 'payments-dev',
      pod: 'p-1',
    });
    expect(blob.size).toBe(4);
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/components/${ENC}/logs?environment=payments-dev&pod=p-1&format=text`,
    );
  });

  it('cluster events of a component and of an environment, read and watched', async () => {
    const s = streamed();
    const { c, fetch } = client(url =>
      url.includes('watch=true') ? sse(s.body) : json({ items: [] }),
    );
    await c.getClusterEvents({ environment: 'payments-dev', component: REF });
    await c.getClusterEvents({ environment: 'payments-dev' });
    const onEvents = jest.fn();
    const stop = c.watchClusterEvents(
      { environment: 'payments-dev' },
      { onEvents },
    );
    await tick();
    s.push(
      `event: events\ndata: ${JSON.stringify({
        items: [{ reason: 'BackOff' }],
      })}\n\n`,
    );
    await tick();
    expect(onEvents).toHaveBeenCalledWith({ items: [{ reason: 'BackOff' }] });
    stop();
    expect(fetch.mock.calls.map(call => call[0])).toEqual([
      `${BASE}/components/${ENC}/cluster-events?environment=payments-dev`,
      `${BASE}/environments/payments-dev/cluster-events`,
      `${BASE}/environments/payments-dev/cluster-events?watch=true`,
    ]);
    expect(fetch.mock.calls[2][1]?.signal?.aborted).toBe(true);
  });
});
