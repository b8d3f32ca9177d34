import http from 'node:http';
import net from 'node:net';
import {
  KubernetesClusterGateway,
  RetryEvent,
} from './KubernetesClusterGateway';
import { AttemptFailure, isRetryable, parseRetryAfter } from './retryPolicy';

const failure = (details: AttemptFailure['details']) =>
  new AttemptFailure(new Error('x'), details);

describe('isRetryable', () => {
  it('retries only what is safe to repeat', () => {
    // no answer at all: idempotent calls only, unless nothing was sent
    expect(isRetryable('GET', failure({ transport: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable('POST', failure({ transport: 'ECONNRESET' }))).toBe(
      false,
    );
    expect(isRetryable('POST', failure({ transport: 'ECONNREFUSED' }))).toBe(
      true,
    );
    // 429: rejected before processing, any method
    expect(isRetryable('POST', failure({ status: 429 }))).toBe(true);
    expect(isRetryable('PATCH', failure({ status: 503 }))).toBe(true);
    expect(isRetryable('POST', failure({ status: 503 }))).toBe(false);
    // a field-manager conflict, a refusal or a bad request is final
    for (const status of [400, 403, 409, 422]) {
      expect(isRetryable('PATCH', failure({ status }))).toBe(false);
    }
    expect(
      isRetryable('PATCH', failure({ status: 503 }), { idempotent: false }),
    ).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(
      parseRetryAfter(
        'Wed, 21 Oct 2026 07:28:03 GMT',
        Date.parse('2026-10-21T07:28:00Z'),
      ),
    ).toBe(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

/**
 * A fake API server on loopback: API discovery for ConfigMaps, then the
 * scripted answers of `/api/v1/namespaces/ns/configmaps/cm`, one per call.
 */
async function fakeApiServer(
  script: Array<{ status: number; headers?: Record<string, string> } | 'hang'>,
) {
  const calls: Array<{ method: string; at: number }> = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/api/v1') {
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'configmaps',
              kind: 'ConfigMap',
              namespaced: true,
              verbs: [],
            },
          ],
        }),
      );
      return;
    }
    calls.push({ method: req.method!, at: Date.now() });
    const step = script.shift() ?? { status: 200 };
    if (step === 'hang') return; // never answers
    res.writeHead(step.status, {
      'Content-Type': 'application/json',
      ...step.headers,
    });
    res.end(
      JSON.stringify(
        step.status < 300
          ? {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'cm', namespace: 'ns', resourceVersion: '1' },
            }
          : { kind: 'Status', message: `status ${step.status}` },
      ),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

const cm = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'ns' },
};
const ref = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: 'cm',
  namespace: 'ns',
};

describe('KubernetesClusterGateway retry policy', () => {
  const fast = { initialDelayMs: 20, maxDelayMs: 100 };

  it('retries a server-side apply through 503s and succeeds', async () => {
    const api = await fakeApiServer([{ status: 503 }, { status: 503 }]);
    const retries: RetryEvent[] = [];
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: fast, onRetry: e => retries.push(e) },
      );
      await expect(gateway.apply('c', [cm])).resolves.toHaveLength(1);
      expect(api.calls.map(c => c.method)).toEqual(['PATCH', 'PATCH', 'PATCH']);
      expect(retries.map(r => r.reason)).toEqual(['503', '503']);
    } finally {
      await api.close();
    }
  });

  it('honours Retry-After on 429, also for a POST', async () => {
    const api = await fakeApiServer([
      { status: 429, headers: { 'Retry-After': '1' } },
    ]);
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: fast },
      );
      await expect(gateway.create('c', cm)).resolves.toBe(true);
      expect(api.calls).toHaveLength(2);
      const waited = api.calls[1].at - api.calls[0].at;
      expect(waited).toBeGreaterThanOrEqual(950);
      expect(waited).toBeLessThan(3000);
    } finally {
      await api.close();
    }
  });

  it('never repeats a POST the server may have processed', async () => {
    const api = await fakeApiServer([{ status: 503 }]);
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: fast },
      );
      await expect(gateway.create('c', cm)).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
      });
      expect(api.calls).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('does not retry a conflict of server-side apply (never forced)', async () => {
    const api = await fakeApiServer([{ status: 409 }]);
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: fast },
      );
      await expect(gateway.apply('c', [cm])).rejects.toMatchObject({
        name: 'ConflictError',
      });
      expect(api.calls).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('gives up after the bounded number of tries', async () => {
    const api = await fakeApiServer(Array(10).fill({ status: 500 }));
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: { ...fast, maxAttempts: 4 } },
      );
      await expect(gateway.get('c', ref)).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
      });
      expect(api.calls).toHaveLength(4);
    } finally {
      await api.close();
    }
  });

  it('fails a hanging cluster within its own time budget', async () => {
    const api = await fakeApiServer(Array(10).fill('hang'));
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'slow', url: api.url, skipTLSVerify: true, timeoutMs: 800 }],
        { retry: fast },
      );
      const started = Date.now();
      await expect(gateway.get('slow', ref)).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('slow'),
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await api.close();
    }
  });

  it('bounds API discovery too: a server that accepts and never answers', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer(s => sockets.push(s));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const gateway = new KubernetesClusterGateway(
        [
          {
            name: 'dead',
            url: `https://127.0.0.1:${
              (server.address() as net.AddressInfo).port
            }`,
            skipTLSVerify: true,
            timeoutMs: 700,
          },
        ],
        { retry: fast },
      );
      const started = Date.now();
      await expect(gateway.get('dead', ref)).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining('dead'),
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise(r => server.close(r));
    }
  });

  it('re-reads and retries a read-modify-write on 409, a bounded number of times', async () => {
    // GET, PUT 409, GET, PUT ok
    const api = await fakeApiServer([
      { status: 200 },
      { status: 409 },
      { status: 200 },
      { status: 200 },
    ]);
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: api.url, skipTLSVerify: true }],
        { retry: fast },
      );
      await gateway.readModifyWrite('c', ref, o => ({
        ...o,
        data: { a: '1' },
      }));
      expect(api.calls.map(c => c.method)).toEqual([
        'GET',
        'PUT',
        'GET',
        'PUT',
      ]);
    } finally {
      await api.close();
    }
    const always = await fakeApiServer(
      Array(3)
        .fill([{ status: 200 }, { status: 409 }])
        .flat(),
    );
    try {
      const gateway = new KubernetesClusterGateway(
        [{ name: 'c', url: always.url, skipTLSVerify: true }],
        { retry: fast },
      );
      await expect(
        gateway.readModifyWrite('c', ref, o => o, 3),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      expect(always.calls).toHaveLength(6);
    } finally {
      await always.close();
    }
  });
});
