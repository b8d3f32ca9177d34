/**
 * @jest-environment node
 */
// The guard every browser test runs after each test (__testUtils__/browser):
// an error thrown in the page is caught and reported, so a test that only
// looks at the happy path still fails on a crash.
import type { Browser, Page } from 'playwright-core';
import { appUrl, launchSignedIn, takePageErrors } from './__testUtils__/browser';

jest.setTimeout(180_000);

describe('the page error guard', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1280, height: 900 }));
  });
  afterAll(async () => browser?.close());

  it('reports an uncaught error injected into the page, and a clean page after it', async () => {
    await page.goto(`${appUrl}/catalog`);
    // the guard's listener was registered first, so it has the error once
    // this event arrives
    const thrown = page.waitForEvent('pageerror');
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('injected by the e2e guard test');
      });
    });
    await thrown;
    const errors = await takePageErrors();
    expect(errors.join('\n')).toContain('injected by the e2e guard test');
    // the dev server's overlay shows it too, until the page is loaded anew
    await page.reload();
    await page.getByRole('link', { name: 'Catalog' }).first().waitFor();
    // taken, so the afterEach guard of this test sees a clean page
    expect(await takePageErrors()).toEqual([]);
  });
});
