/**
 * @jest-environment node
 */
// Browser test of the Deployments tab: Debian's Chromium, driven by
// playwright-core, against the running app and the real control plane
// (scripts/test.sh starts both). Deploys, promotes and rolls back
// payments-worker from the dialogs and waits for the live status to settle
// without reloading the page.
import type { Browser, Locator, Page } from 'playwright-core';
import path from 'node:path';
import {
  appUrl,
  launchSignedIn,
  shots,
  ciToken,
  guestToken,
  stagecraftCall,
} from './__testUtils__/browser';

const component = 'component:default/payments-worker';
// unique per run, so every deploy really changes the cluster
const tag = `e2e-${Date.now().toString(36)}`;

jest.setTimeout(300_000);

async function call(token: string, method: string, p: string, body?: unknown) {
  const res = await stagecraftCall(token, method, p, body);
  if (res.status >= 400) {
    throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
  }
  return res.body;
}

/** The example pipeline, provisioned (idempotent), with payments-worker running in each. */
async function seed() {
  const token = await guestToken();
  const envs = [
    ['payments-dev', 'development', 'payments-staging'],
    ['payments-staging', 'staging', 'payments-prod'],
    ['payments-prod', 'production', undefined],
  ] as const;
  for (const [name, type, next] of envs) {
    // staging and production are the platform's (here its CI's) to create
    await call(
      type === 'development' ? token : ciToken,
      'POST',
      '/environments',
      {
        name,
        type,
        owner: 'group:default/payments',
        system: 'payments',
        // the backend's ref check takes only group:/user: kinds yet, so no "environment:" prefix
        ...(next && { promotesTo: next }),
      },
    );
  }
  const ref = encodeURIComponent(component);
  const current: Array<{ environment: string }> = (
    await call(token, 'GET', `/components/${ref}/deployments`)
  ).items;
  if (!current.some(d => d.environment === 'payments-dev')) {
    await call(token, 'POST', `/components/${ref}/deploy`, {
      environment: 'payments-dev',
    });
  }
  for (const [from, , next] of envs) {
    if (next && !current.some(d => d.environment === next)) {
      // production changes need the platform group (the example policy):
      // the demo's CI pipeline token promotes there
      await call(
        next === 'payments-prod' ? ciToken : token,
        'POST',
        `/components/${ref}/promote`,
        { from },
      );
    }
  }
}

describe('Deployments in the browser', () => {
  let browser: Browser;
  let page: Page;
  const row = (env: string): Locator => page.getByTestId(`env-${env}`);
  const shot = (name: string) =>
    page.screenshot({ path: path.join(shots, name), fullPage: true });

  beforeAll(async () => {
    await seed();
    ({ browser, page } = await launchSignedIn({ width: 1500, height: 1000 }));
  });

  afterAll(async () => {
    await page?.screenshot({
      path: path.join(shots, 'deployments-last.png'),
      fullPage: true,
    });
    await browser?.close();
  });

  it('shows the three environments of payments-worker with their health', async () => {
    await page.goto(`${appUrl}/catalog/default/component/payments-worker`);
    // the entity page's tabs are links
    await page.getByText('Deployments', { exact: true }).first().click();
    await page.waitForURL(/\/payments-worker\/deployments$/);
    for (const env of ['payments-dev', 'payments-staging', 'payments-prod']) {
      await row(env).getByText('Healthy').waitFor({ timeout: 90_000 });
    }
    await page.getByText('Live', { exact: true }).waitFor();
    await shot('deployments-1-matrix.png');
    const order = await page
      .locator('[data-testid^="env-"]')
      .evaluateAll(rows => rows.map(r => r.getAttribute('data-testid')));
    // the pipeline in its order (the living demo's preview and gated
    // environments of the same system are listed too)
    const pipeline = [
      'env-payments-dev',
      'env-payments-staging',
      'env-payments-prod',
    ];
    expect(order.filter(id => pipeline.includes(id!))).toEqual([
      'env-payments-dev',
      'env-payments-staging',
      'env-payments-prod',
    ]);
  });

  it('deploys a new tag to dev from the dialog and sees the rollout complete without reloading', async () => {
    await page.getByRole('button', { name: 'Deploy to payments-dev' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Image or tag').fill(tag);
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByText(/^Dry run: release r-/).waitFor({ timeout: 60_000 });
    await dialog
      .getByText(new RegExp(`^\\+.*image: .*:${tag}`))
      .first()
      .waitFor();
    await shot('deployments-2-deploy-diff.png');
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const dev = row('payments-dev');
    await dev.getByText(tag, { exact: true }).waitFor();
    await dev.getByText(/^Deploy of r-\w+ complete$/).waitFor({
      timeout: 120_000,
    });
    await dev.getByText('Healthy').waitFor();
    await shot('deployments-3-deployed.png');
    await expect(dev.getByText(/^deploy by/).count()).resolves.toBe(1);
  });

  it('promotes dev to staging', async () => {
    await page
      .getByRole('button', { name: 'Promote payments-dev to payments-staging' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/^Dry run: release r-/).waitFor({ timeout: 60_000 });
    await shot('deployments-4-promote-diff.png');
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const staging = row('payments-staging');
    await staging.getByText(tag, { exact: true }).waitFor();
    await staging
      .getByText(/^Promotion of r-\w+ complete$/)
      .waitFor({ timeout: 120_000 });
    await staging.getByText(/from payments-dev/).waitFor();
    await shot('deployments-5-promoted.png');
    await expect(staging.getByText(/^promote by/).count()).resolves.toBe(1);
  });

  it('rolls staging back to the previous revision', async () => {
    await page
      .getByRole('button', { name: 'Roll back payments-staging' })
      .click();
    const dialog = page.getByRole('dialog');
    // the previous release is preselected
    await dialog
      .getByText(/^#\d+ · /)
      .first()
      .waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByText(/^Dry run: release r-/).waitFor({ timeout: 60_000 });
    await shot('deployments-6-rollback-diff.png');
    await dialog
      .getByRole('button', { name: 'Roll back', exact: true })
      .click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    const staging = row('payments-staging');
    await staging
      .getByText(/^Rollback of r-\w+ complete$/)
      .waitFor({ timeout: 120_000 });
    await staging.getByText(/^rollback by/).waitFor();
    await expect(staging.getByText(tag, { exact: true }).count()).resolves.toBe(
      0,
    );
    await shot('deployments-7-rolled-back.png');
  });

  it('shows the environments index, the team view and an environment page', async () => {
    await page.getByRole('link', { name: 'Environments' }).first().click();
    const table = page.getByRole('table', { name: 'environments' });
    await table
      .getByRole('link', { name: 'payments-staging', exact: true })
      .waitFor({ timeout: 60_000 });
    await shot('environments-1-index.png');
    await page.getByRole('tab', { name: 'Team view' }).click();
    const matrix = page.getByRole('table', { name: 'team matrix' });
    await matrix.getByText('payments-worker').waitFor({ timeout: 60_000 });
    await shot('environments-2-team-view.png');

    await page.goto(`${appUrl}/catalog/default/environment/payments-staging`);
    const workloads = page
      .locator('article, .MuiCard-root', { hasText: 'Workloads running here' })
      .first();
    await workloads.getByText('payments-worker').waitFor({ timeout: 60_000 });
    await page.getByText('Resources', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete environment' }).waitFor();
    await shot('environments-3-environment-page.png');
    await expect(
      page.getByText('managed by Stagecraft', { exact: true }).count(),
    ).resolves.toBe(1);
  });
});
