/**
 * @jest-environment node
 */
// Browser test of the Events cards (issue 23): a rollout that fails on the
// namespace's quota. A preview environment of its own whose ResourceQuota
// the test tightens to one pod; payments-worker runs there, a new tag needs
// a surge pod the quota refuses (the ReplicaSet's FailedCreate Warning), the
// Deployments tab's failed row links to the events that say why, and the
// Environment page's Events card shows the same Warning.
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import {
  appUrl,
  guestToken,
  launchSignedIn,
  shots,
  stagecraftCall,
  stagecraftOk as call,
  until,
} from './__testUtils__/browser';
import { kubectl } from './__testUtils__/cluster';

const component = 'component:default/payments-worker';
const ref = encodeURIComponent(component);
const environment = `e2e-quota-${Date.now().toString(36)}`;

jest.setTimeout(300_000);

/** The deployment of payments-worker in the test's environment, once `ok` says so. */
function deploymentWhere(
  token: string,
  what: string,
  ok: (d: { status?: { phase?: string; reason?: string } }) => boolean,
) {
  return until(
    what,
    async () => {
      const items: Array<{ environment?: string; status?: any }> =
        (await call(token, 'GET', `/components/${ref}/deployments`)).items ??
        [];
      const d = items.find(i => i.environment === environment);
      return d && ok(d) ? d : undefined;
    },
    150_000,
  );
}

describe('Events in the browser', () => {
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    token = await guestToken();
    await call(token, 'POST', '/environments', {
      name: environment,
      type: 'preview',
      owner: 'group:default/payments',
      system: 'payments',
      ttl: '1h',
    });
    await until(
      `${environment} ready`,
      async () =>
        (await call(token, 'GET', `/environments/${environment}`)).phase ===
        'Ready'
          ? true
          : undefined,
      60_000,
    );
    // room for exactly the one pod payments-worker runs
    kubectl([
      'patch',
      'resourcequota',
      'stagecraft-quota',
      '-n',
      environment,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { hard: { pods: '1' } } }),
    ]);
    await call(token, 'POST', `/components/${ref}/deploy`, {
      environment,
      image: 'ghcr.io/example/payments-worker:1.0.0',
    });
    await deploymentWhere(
      token,
      'payments-worker healthy there',
      d => d.status?.phase === 'complete',
    );
    // a new tag: the rolling update's surge pod exceeds the quota
    await call(token, 'POST', `/components/${ref}/deploy`, {
      environment,
      image: 'ghcr.io/example/payments-worker:1.0.1-quota',
    });
    await deploymentWhere(
      token,
      'the rollout failing on the quota',
      d => d.status?.phase === 'failed',
    );
    ({ browser, page } = await launchSignedIn({ width: 1440, height: 1000 }));
  });

  afterAll(async () => {
    await page?.screenshot({
      path: path.join(shots, 'events-last.png'),
      fullPage: true,
    });
    await browser?.close();
    await stagecraftCall(
      token,
      'DELETE',
      `/environments/${environment}?wait=false`,
      {},
    );
    // gone before the next suite looks at payments-worker's environments,
    // as far as the cluster lets it (a namespace waits for every API group's
    // discovery: an unavailable metrics.k8s.io keeps it Terminating)
    await until(
      `${environment} deleted`,
      async () =>
        (
          await stagecraftCall(token, 'GET', `/environments/${environment}`)
        ).status === 404
          ? true
          : undefined,
      60_000,
    ).catch(e =>
      // eslint-disable-next-line no-console
      console.warn(`events e2e: ${e.message}; left to the TTL (1h)`),
    );
  });

  it("the failed row's reason opens the events that explain it", async () => {
    await page.goto(
      `${appUrl}/catalog/default/component/payments-worker/deployments`,
    );
    const row = page.getByTestId(`env-${environment}`);
    await row.getByText(/^Failed/).waitFor({ timeout: 90_000 });
    await row
      .getByRole('button', { name: `Why? Events in ${environment}` })
      .click();
    const events = page.getByRole('table', { name: 'cluster events' });
    await page.getByText(`Events in ${environment}`, { exact: true }).waitFor();
    const warning = events
      .locator('[data-testid="cluster-event"][data-type="Warning"]')
      .filter({ hasText: 'exceeded quota' })
      .first();
    await warning.waitFor({ timeout: 60_000 });
    await expect(warning.getByText('FailedCreate').count()).resolves.toBe(1);
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'events-1-why.png') });
  });

  it("shows the quota refusal on the Environment page's Events card", async () => {
    await page.goto(`${appUrl}/catalog/default/environment/${environment}`);
    await page.getByText('Events in this environment').waitFor({
      timeout: 90_000,
    });
    const warning = page
      .getByRole('table', { name: 'cluster events' })
      .locator('[data-testid="cluster-event"][data-type="Warning"]')
      .filter({ hasText: 'exceeded quota' })
      .first();
    await warning.waitFor({ timeout: 60_000 });
    await expect(warning.getByText('FailedCreate').count()).resolves.toBe(1);
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: path.join(shots, 'events-2-environment.png'),
    });
  });
});
