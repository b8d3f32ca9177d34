/**
 * @jest-environment node
 */
// The stock Kubernetes tab (@backstage/plugin-kubernetes) of a component
// Stagecraft deployed (the living demo's checkout): the same cluster config
// serves both plugins, and it shows the objects with no warning (metrics.k8s.io
// is served by the local control plane's metrics-server, and Stagecraft's
// identity may read pod metrics).
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { appUrl, launchSignedIn, shots } from './__testUtils__/browser';

jest.setTimeout(180_000);

describe('the stock Kubernetes tab', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1440, height: 1000 }));
  });
  afterAll(async () => browser?.close());

  it('shows checkout running in the local cluster, with no warning', async () => {
    await page.goto(`${appUrl}/catalog/default/component/checkout/kubernetes`);
    // the cluster's accordion, once the objects are fetched
    await page.getByText('local', { exact: true }).first().waitFor({ timeout: 90_000 });
    await page.getByText(/^\d+ pods?$/).first().waitFor();
    await page.getByText('No pods with errors').first().waitFor();
    await page.screenshot({ path: path.join(shots, 'kubernetes-tab.png'), fullPage: true });
    await expect(
      page.getByText(/There was a problem retrieving/).count(),
    ).resolves.toBe(0);
    await expect(page.getByText(/Error(s)? communicating with Kubernetes/i).count()).resolves.toBe(0);
  });
});
