/**
 * @jest-environment node
 */
// Browser test: Debian's Chromium, driven by playwright-core, against the
// running app (scripts/test.sh starts it with `yarn start` and stops it by PID).
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { appUrl, launchSignedIn, shots } from './__testUtils__/browser';

jest.setTimeout(180_000);

describe('Stagecraft in the browser', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1400, height: 900 }));
  });

  afterAll(async () => {
    // what the browser showed last, for diagnosing a failure
    await page?.screenshot({
      path: path.join(shots, 'last.png'),
      fullPage: true,
    });
    await browser?.close();
  });

  it('lists the three example environments in the catalog', async () => {
    // the catalog is the landing page; all Environments, not only the owned
    // ones (the guest is a member of payments, which owns them)
    await page.goto(
      `${appUrl}/?filters%5Bkind%5D=environment&filters%5Buser%5D=all`,
    );
    // declared in YAML with a title; once provisioned, the entity provider's
    // entity (same ref) shows its name: either way the link goes to it
    const names = ['payments-dev', 'payments-staging', 'payments-prod'];
    for (const name of names) {
      await page
        .locator(`a[href="/catalog/default/environment/${name}"]`)
        .first()
        .waitFor({ timeout: 60_000 });
    }
    // the living demo adds payments-gated and the preview payments-pr-1
    await page.getByText(/^All Environments \((\d+)\)$/).waitFor();
    await page.screenshot({
      path: path.join(shots, 'catalog-environments.png'),
    });
    const texts = await Promise.all(
      names.map(name =>
        page
          .locator(`a[href="/catalog/default/environment/${name}"]`)
          .first()
          .innerText(),
      ),
    );
    expect(texts.map(t => t.replace(/\s+/g, ''))).toEqual([
      expect.stringMatching(/payments-dev|Paymentsdevelopment/),
      expect.stringMatching(/payments-staging|Paymentsstaging/),
      expect.stringMatching(/payments-prod|Paymentsproduction/),
    ]);
  });

  it('shows the Stagecraft overview card on an Environment page', async () => {
    await page
      .locator('a[href="/catalog/default/environment/payments-staging"]')
      .first()
      .click();
    const card = page
      .locator('article, .MuiCard-root', { hasText: 'promotes to' })
      .first();
    await card.waitFor({ timeout: 60_000 });
    // the cluster row settles to reachable or to a message saying why not
    await card
      .getByText(/reachable|not configured/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({
      path: path.join(shots, 'environment-payments-staging.png'),
      fullPage: true,
    });
    await expect(
      card.getByText('payments-staging', { exact: true }).count(),
    ).resolves.toBe(1);
    // promotesTo links to the next environment of the pipeline
    await expect(
      card
        .locator('a[href="/catalog/default/environment/payments-prod"]')
        .count(),
    ).resolves.toBe(1);
  });
});
