// Shared by the browser tests: Debian's Chromium driven by playwright-core,
// signed in as the guest user of the running app.
import { chromium, Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const appUrl = process.env.STAGECRAFT_APP_URL ?? 'http://localhost:3000';
export const backendUrl =
  process.env.STAGECRAFT_BACKEND_URL ?? 'http://localhost:7007';
/** Git-ignored; every step's screenshot goes here. */
export const shots = path.resolve(
  __dirname,
  '../../../../../.artifacts/screenshots',
);

/** Launches headless Chromium and signs in as guest; resolves once the app shows. */
export async function launchSignedIn(viewport: {
  width: number;
  height: number;
}): Promise<{ browser: Browser; page: Page }> {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport });
  watchForPageErrors(page);
  await page.goto(appUrl);
  // the guest sign-in page
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  // signed in once the sign-in page is gone; only then does a reload keep the session
  await enter.waitFor({ state: 'detached', timeout: 120_000 });
  await page.getByRole('link', { name: 'Catalog' }).first().waitFor();
  return { browser, page };
}

/**
 * What went wrong in any page of this test file since the last check: an
 * uncaught exception or rejection (`pageerror`), an error React reports
 * (render errors caught or not), or the dev server's error overlay.
 */
const pageErrors: string[] = [];
const watched: Page[] = [];

/** React's console.error lines that mean a component threw. */
const REACT_ERROR =
  /The above error occurred|Uncaught (Error|TypeError)|React will try to recreate|Minified React error|An error occurred in the <|Cannot read properties of/;

/** Records the page's uncaught errors (every page of launchSignedIn is watched). */
export function watchForPageErrors(page: Page) {
  watched.push(page);
  page.on('pageerror', e =>
    pageErrors.push(`uncaught: ${e.stack ?? e.message}`),
  );
  page.on('console', msg => {
    if (msg.type() === 'error' && REACT_ERROR.test(msg.text())) {
      pageErrors.push(`React: ${msg.text().split('\n')[0]}`);
    }
  });
}

/** The errors recorded since the last call (and forgets them). */
export async function takePageErrors(): Promise<string[]> {
  for (const page of watched) {
    if (page.isClosed()) continue;
    const overlay = await page
      .locator('#webpack-dev-server-client-overlay')
      .count()
      .catch(() => 0);
    if (overlay) pageErrors.push('the dev server error overlay is shown');
  }
  return pageErrors.splice(0);
}

// every e2e test fails when a page it drove threw, even if its own
// assertions passed (scripts/test.sh runs each *.e2e.test.ts with this file)
afterEach(async () => {
  const errors = await takePageErrors();
  if (errors.length) {
    throw new Error(
      `the page had ${errors.length} uncaught error(s):\n${errors.join('\n')}`,
    );
  }
});

/** The guest's Backstage token (for API calls next to the browser). */
export async function guestToken(): Promise<string> {
  const res = await fetch(
    `${backendUrl}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** The demo CI pipeline's static token (app-config.yaml). */
export const ciToken =
  process.env.STAGECRAFT_CI_TOKEN ?? 'stagecraft-ci-demo-token';

/** A Stagecraft API call; resolves with the status and body, whatever the status. */
export async function stagecraftCall(
  token: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${backendUrl}/api/stagecraft${p}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    text,
  };
}

/** A Stagecraft API call that must succeed; resolves with its body. */
export async function stagecraftOk(
  token: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<any> {
  const res = await stagecraftCall(token, method, p, body);
  if (res.status >= 400) {
    throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
  }
  return res.body;
}

/**
 * Polls `probe` until it returns something other than undefined (what the
 * backend's watch cache answers follows the cluster, so a test waits for it).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}
