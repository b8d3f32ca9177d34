// usage: node browser.mjs <appUrl> <label> <shotsDir>
// The foreign app's browser check (scripts/foreign-app.sh): signs in as guest,
// opens the Stagecraft component's Deployments tab and the Environment page,
// and fails on any page error (uncaught exception) or a missing part.
// playwright-core comes from the repository's node_modules; Chromium is Debian's.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const [appUrl, label, shots] = process.argv.slice(2);
const require = createRequire(path.join(process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');
fs.mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
let failed = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', e => errors.push(`${page.url()}: ${e.message}`));
  await page.goto(appUrl);
  // guest sign-in page of create-app's app
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 120_000 });
  await enter.click();
  await page.waitForTimeout(1000);

  const step = async (name, fn) => {
    try {
      await fn();
      console.log(`browser ok: ${label}: ${name}`);
    } catch (e) {
      failed++;
      console.log(`browser FAILED: ${label}: ${name}: ${String(e.message).split('\n')[0]}`);
    }
    await page.screenshot({ path: path.join(shots, `${label}-${name.replace(/\W+/g, '-')}.png`), fullPage: true });
  };
  await step('deployments tab', async () => {
    await page.goto(`${appUrl}/catalog/default/component/storefront/deployments`);
    // the Deployments card, and the row of the component's environment
    await page.getByText('Environments in pipeline order').first().waitFor({ timeout: 90_000 });
    await page.getByRole('row', { name: /shop-dev/ }).first().waitFor({ timeout: 90_000 });
  });
  await step('environment page', async () => {
    await page.goto(`${appUrl}/catalog/default/environment/shop-dev`);
    // the Environment card (its Namespace and Provisioning rows) and the Workloads card
    await page.getByText('Namespace', { exact: true }).first().waitFor({ timeout: 90_000 });
    await page.getByText('Provisioning', { exact: true }).first().waitFor({ timeout: 90_000 });
    await page.getByText('Workloads running here').first().waitFor({ timeout: 90_000 });
  });
  await step('environments page', async () => {
    await page.goto(`${appUrl}/environments`);
    await page.getByText('shop-dev').first().waitFor({ timeout: 90_000 });
  });
} finally {
  await browser.close();
}
for (const e of errors) console.log(`browser page error: ${label}: ${e}`);
if (errors.length) console.log(`browser FAILED: ${label}: ${errors.length} page error(s)`);
else console.log(`browser ok: ${label}: no page errors`);
process.exit(failed || errors.length ? 1 : 0);
