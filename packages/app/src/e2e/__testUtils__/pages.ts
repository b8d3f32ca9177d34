// Every Stagecraft page the browser tests visit, with a text that says its
// content has loaded and what it is about (for the backend's answers).
import type { Page } from 'playwright-core';
import { appUrl } from './browser';

export interface StagecraftPage {
  name: string;
  path: string;
  ready: RegExp;
  /** The component whose actions its controls stand for. */
  component?: string;
  /** The environment whose actions its controls stand for. */
  environment?: string;
}

const DEPLOYED = /Healthy|Rolling out|Not deployed/;

export const STAGECRAFT_PAGES: StagecraftPage[] = [
  {
    name: 'deployments-tab',
    path: '/catalog/default/component/checkout/deployments',
    ready: DEPLOYED,
    component: 'component:default/checkout',
  },
  {
    name: 'deployments-tab-worker',
    path: '/catalog/default/component/payments-worker/deployments',
    ready: DEPLOYED,
    component: 'component:default/payments-worker',
  },
  {
    name: 'config-tab',
    path: '/catalog/default/component/checkout/config',
    ready: /Effective configuration/,
    component: 'component:default/checkout',
    environment: 'payments-dev',
  },
  ...['payments-pr-1', 'payments-staging', 'payments-dev', 'payments-prod'].map(
    env => ({
      name: `environment-page-${env}`,
      path: `/catalog/default/environment/${env}`,
      ready: /Workloads running here/,
      environment: env,
    }),
  ),
  {
    name: 'environments-page',
    path: '/environments',
    ready: /payments-staging/,
  },
  {
    name: 'environments-team-view',
    path: '/environments?view=team',
    ready: /checkout/,
  },
];

/** Opens a page and waits until its text shows and no card of main loads any more. */
export async function openSettled(page: Page, p: string, ready: RegExp) {
  await page.goto(`${appUrl}${p}`);
  await page
    .locator('main')
    .getByText(ready)
    .first()
    .waitFor({ timeout: 90_000 });
  await page.waitForFunction(
    () =>
      !document.querySelector(
        'main .MuiCircularProgress-root, main [data-testid="progress"]',
      ),
    undefined,
    { timeout: 60_000 },
  );
}

/** Until every Stagecraft button has the backend's answer (or the permission's). */
export async function answered(page: Page) {
  await page.waitForFunction(
    () => !document.querySelector('main button[data-answer="waiting"]'),
    undefined,
    { timeout: 60_000 },
  );
}
