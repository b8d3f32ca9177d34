import { isPending, StagecraftClient } from './StagecraftApi';

type Call = { url: string; method: string; body?: unknown };

function client(
  answer: (call: Call) => { status: number; body?: unknown } = () => ({
    status: 200,
    body: {},
  }),
) {
  const calls: Call[] = [];
  const fetch = jest.fn(async (url: string, init?: RequestInit) => {
    const call: Call = {
      url: url.replace('http://localhost:7007/api/stagecraft', ''),
      method: init?.method ?? 'GET',
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const { status, body } = answer(call);
    const text = body === undefined ? '' : JSON.stringify(body);
    return {
      ok: status < 400,
      status,
      statusText: String(status),
      headers: new Headers({ 'Content-Type': 'application/json' }),
      text: async () => text,
      json: async () => JSON.parse(text),
    } as unknown as Response;
  });
  const c = new StagecraftClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/stagecraft',
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { c, calls };
}

const REF = 'component:default/payments-worker';
const ENC = 'component%3Adefault%2Fpayments-worker';

describe('StagecraftClient (issue 13 routes)', () => {
  it('calls the approval, day-2, clone, teardown and usage routes', async () => {
    const { c, calls } = client(call => ({
      status: 200,
      body: /approvals$|approvals\?|usage\?|usage$|environment-types/.test(
        call.url,
      )
        ? { items: [] }
        : {},
    }));
    await c.listApprovals({
      component: REF,
      environment: 'payments-staging',
      state: 'pending',
    });
    await c.listApprovals();
    await c.approve('apr 1', 'ok');
    await c.reject('apr-1');
    await c.restart(REF, 'payments-dev');
    await c.scale(REF, 'payments-dev', 3);
    await c.pauseEnvironment('pr-42');
    await c.resumeEnvironment('pr-42');
    await c.cloneEnvironment('payments-dev', { name: 'pr-7', dryRun: true });
    await c.getTeardownPlan('task-7');
    await c.teardown('task-7');
    await c.getEnvironmentUsage('payments-dev');
    await c.listUsage('group:default/payments');
    await c.listUsage();
    await c.listEnvironmentTypes();
    expect(calls).toEqual([
      {
        method: 'GET',
        url: `/approvals?component=${ENC}&environment=payments-staging&state=pending`,
      },
      { method: 'GET', url: '/approvals' },
      {
        method: 'POST',
        url: '/approvals/apr%201/approve',
        body: { comment: 'ok' },
      },
      { method: 'POST', url: '/approvals/apr-1/reject', body: {} },
      {
        method: 'POST',
        url: `/components/${ENC}/restart`,
        body: { environment: 'payments-dev' },
      },
      {
        method: 'POST',
        url: `/components/${ENC}/scale`,
        body: { environment: 'payments-dev', replicas: 3 },
      },
      { method: 'POST', url: '/environments/pr-42/pause' },
      { method: 'POST', url: '/environments/pr-42/resume' },
      {
        method: 'POST',
        url: '/environments/payments-dev/clone',
        body: { name: 'pr-7', dryRun: true },
      },
      { method: 'GET', url: '/teardown/task-7' },
      { method: 'POST', url: '/teardown/task-7', body: { confirm: true } },
      { method: 'GET', url: '/environments/payments-dev/usage' },
      { method: 'GET', url: '/usage?owner=group%3Adefault%2Fpayments' },
      { method: 'GET', url: '/usage' },
      { method: 'GET', url: '/environment-types' },
    ]);
  });

  it('reads the pending approval of a 202 answer', async () => {
    const pending = { id: 'apr-1', state: 'pending' };
    const { c } = client(() => ({
      status: 202,
      body: { release: { id: 'r-1' }, diff: '', dryRun: false, pending },
    }));
    const outcome = await c.promote(REF, { from: 'payments-dev' });
    expect(isPending(outcome)).toBe(true);
    expect(isPending(outcome) && outcome.pending).toEqual(pending);
  });

  it('tells a rollout from a pending request', async () => {
    const { c } = client(() => ({
      status: 201,
      body: { release: { id: 'r-1' }, diff: '', dryRun: false },
    }));
    expect(
      isPending(await c.deploy(REF, { environment: 'payments-dev' })),
    ).toBe(false);
  });

  it('accepts a 202 without a body (a deletion under way)', async () => {
    const { c } = client(() => ({ status: 202 }));
    await expect(c.deleteEnvironment('pr-42')).resolves.toBeUndefined();
  });

  it('answers undefined for approvals and usage a backend does not offer (404)', async () => {
    const { c } = client(() => ({
      status: 404,
      body: {
        error: { name: 'NotFoundError', message: 'no' },
        response: { statusCode: 404 },
      },
    }));
    await expect(c.listApprovals()).resolves.toBeUndefined();
    await expect(c.getEnvironmentUsage('x')).resolves.toBeUndefined();
    await expect(c.listUsage()).resolves.toBeUndefined();
    await expect(c.getTeardownPlan('t')).rejects.toThrow(/404/);
  });
});

describe('StagecraftClient provisionEnvironment', () => {
  const env = { name: 'payments-dev', phase: 'Ready' };

  it('POSTs /environments/:name/provision with no body; 201 is created, 200 is already there', async () => {
    const statuses = [201, 200];
    const { c, calls } = client(() => ({
      status: statuses.shift()!,
      body: env,
    }));
    expect(await c.provisionEnvironment('payments dev')).toEqual({
      environment: env,
      created: true,
    });
    expect(await c.provisionEnvironment('payments-dev')).toEqual({
      environment: env,
      created: false,
    });
    expect(calls[0]).toEqual({
      url: '/environments/payments%20dev/provision',
      method: 'POST',
      body: undefined,
    });
  });

  it.each([404, 409, 403])('throws the backend answer %s', async status => {
    const { c } = client(() => ({
      status,
      body: { error: { name: 'Error', message: `refused ${status}` } },
    }));
    await expect(c.provisionEnvironment('payments-dev')).rejects.toMatchObject({
      response: { status },
    });
  });
});

describe('StagecraftClient getDeployments', () => {
  it('answers the items as sent, or none when the body has no items', async () => {
    const bodies = [{ items: [{ environment: 'payments-dev' }] }, {}];
    const { c } = client(() => ({ status: 200, body: bodies.shift() }));
    expect(await c.getDeployments(REF)).toEqual([
      { environment: 'payments-dev' },
    ]);
    expect(await c.getDeployments(REF)).toEqual([]);
  });
});
