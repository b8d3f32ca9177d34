/**
 * @jest-environment node
 */
// The living demo (issue 17): after `make start`'s seed (scripts/test.sh runs
// the same scripts/demo-seed.mjs), a newcomer sees releases in dev and staging
// on an example component's Deployments tab, and provisioned environments with
// their workloads and usage — without typing a command.
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import {
  appUrl,
  guestToken,
  launchSignedIn,
  shots,
  stagecraftCall,
} from './__testUtils__/browser';

jest.setTimeout(240_000);

describe('the living demo', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1440, height: 1000 }));
  });
  afterAll(async () => browser?.close());

  it("shows checkout's releases in dev and staging, and the pending approval", async () => {
    await page.goto(`${appUrl}/catalog/default/component/checkout/deployments`);
    for (const env of ['payments-dev', 'payments-staging']) {
      const row = page.getByTestId(`env-${env}`);
      await row
        .getByText('1.4.2', { exact: true })
        .first()
        .waitFor({ timeout: 90_000 });
      await row.getByText('Healthy').waitFor({ timeout: 90_000 });
    }
    // the demo CI pipeline's promotion into payments-gated waits for the
    // guest — unless another browser test decided it already
    const requests = await stagecraftCall(
      await guestToken(),
      'GET',
      `/approvals?component=${encodeURIComponent(
        'component:default/checkout',
      )}&environment=payments-gated`,
    );
    if (!requests.body.items.some((r: any) => r.state === 'pending')) {
      await page
        .getByTestId('env-payments-gated')
        .getByText('1.4.2', { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      return;
    }
    await page
      .getByText(/Promotion of 1\.4\.2 .* from payments-dev to payments-gated/)
      .first()
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('button', { name: /^Approve/ })
      .first()
      .waitFor();
    await page.screenshot({
      path: path.join(shots, 'demo-1-deployments.png'),
      fullPage: true,
    });
  });

  it('shows the GitOps environment beside the others: committed → applied by Flux, and healthy', async () => {
    await page.goto(
      `${appUrl}/catalog/default/component/payments-worker/deployments`,
    );
    const row = page.getByTestId('env-payments-gitops');
    await row
      .getByRole('status', { name: 'GitOps: Applied by Flux' })
      .waitFor({ timeout: 90_000 });
    await row.getByText('Healthy').waitFor({ timeout: 90_000 });
    // the commit, short sha, beside "Committed"
    await row
      .getByText(/^[0-9a-f]{7}$/)
      .first()
      .waitFor();
    // the apply-mode environment has no Git stages
    await page
      .getByTestId('env-payments-dev')
      .getByText('Healthy')
      .waitFor({ timeout: 90_000 });
    await expect(
      page
        .getByTestId('env-payments-dev')
        .getByRole('status', { name: /^GitOps:/ })
        .count(),
    ).resolves.toBe(0);
    await page.screenshot({
      path: path.join(shots, 'demo-3-gitops.png'),
      fullPage: true,
    });
  });

  it('shows a provisioned environment with its workloads and usage', async () => {
    await page.goto(`${appUrl}/catalog/default/environment/payments-staging`);
    const workloads = page
      .locator('.MuiCard-root', { hasText: 'Workloads running here' })
      .last();
    await workloads.getByText('checkout').first().waitFor({ timeout: 60_000 });
    await workloads.getByText('payments-worker').first().waitFor();
    await page
      .getByText(/^CPU requests: /)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.getByText('Estimated monthly cost:').first().waitFor();
    await expect(page.getByText(/not provisioned/i).count()).resolves.toBe(0);
    await page.screenshot({
      path: path.join(shots, 'demo-2-environment.png'),
      fullPage: true,
    });
  });
});
