/**
 * @jest-environment node
 */
// The hero flow as a person does it (issue 17): the "New service" template
// run from the Create page — the form, the review, the task page — then the
// new component's Deployments tab, live, a deploy of a new image from the
// tab, and a rollback. Any uncaught page error fails it (__testUtils__/browser).
import type { Browser, Locator, Page } from 'playwright-core';
import path from 'node:path';
import {
  appUrl,
  backendUrl,
  guestToken,
  launchSignedIn,
  shots,
  stagecraftCall,
} from './__testUtils__/browser';

// unique per run: a second run of the test creates a second service
const name = `hero-${Date.now().toString(36)}`;
const env = `${name}-dev`;

jest.setTimeout(420_000);

describe('"New service" through the UI, then its Deployments tab', () => {
  let browser: Browser;
  let page: Page;
  const row = (): Locator => page.getByTestId(`env-${env}`);
  const shot = (file: string) =>
    page.screenshot({ path: path.join(shots, file), fullPage: true });

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1440, height: 1000 }));
  });

  afterAll(async () => {
    await page?.screenshot({
      path: path.join(shots, 'new-service-last.png'),
      fullPage: true,
    });
    await browser?.close();
  });

  it('18.1 runs the template from the Create page with the local publish target (no GitHub fields asked) and the task completes', async () => {
    await page.goto(`${appUrl}/create`);
    // the innermost card titled "New service" (the list itself is a card)
    const card = page
      .locator('.MuiCard-root')
      .filter({ has: page.getByText('New service', { exact: true }) })
      .last();
    await card.getByRole('button', { name: 'Choose' }).click();

    await page.getByRole('textbox', { name: 'Name' }).fill(name);
    // the owner picker: type, then choose the group from the catalog
    const owner = page.getByRole('textbox', { name: 'Owner' });
    await owner.click();
    await owner.fill('payments');
    await page
      .getByRole('option')
      .filter({ hasText: 'payments' })
      .first()
      .click();
    await page
      .getByRole('textbox', { name: 'Container image' })
      .fill('nginx:1.27');
    await shot('new-service-1-form.png');
    await page.getByRole('button', { name: 'Next' }).click();

    // the default publish target is the local one: nothing else is asked
    await page.getByText('Publish to').first().waitFor();
    await expect(page.getByText('GitHub repository').count()).resolves.toBe(0);
    await page.getByRole('button', { name: /Review|Next/ }).click();
    await page.getByText(name).first().waitFor();
    await shot('new-service-2-review.png');
    await page.getByRole('button', { name: 'Create' }).click();

    // the task page: every step, then what the run created
    await page.waitForURL(/\/create\/tasks\//, { timeout: 60_000 });
    await page
      .getByRole('button', { name: /^Deploy and wait for the rollout/ })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('heading', { name: 'What this run created' })
      .waitFor({ timeout: 240_000 });
    await page
      .getByText(/Rollout in .*: complete/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Open in catalog' }).waitFor();
    await shot('new-service-3-task.png');
  });

  it("opens the new component's Deployments tab and sees the rollout live", async () => {
    await page.goto(`${appUrl}/catalog/default/component/${name}/deployments`);
    await row().waitFor({ timeout: 90_000 });
    // the row shows the running tag
    await row().getByText('1.27', { exact: true }).first().waitFor();
    await row().getByText('Healthy').waitFor({ timeout: 120_000 });
    await page.getByText('Live', { exact: true }).waitFor();
    await shot('new-service-4-deployments.png');
  });

  it('deploys a new image from the tab', async () => {
    await page.getByRole('button', { name: `Deploy to ${env}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Image or tag').fill('1.27.1');
    // the dialog shows the diff before anything is written
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByText(/^Dry run: release r-/).waitFor({ timeout: 60_000 });
    await dialog
      .getByText(/^\+.*image: nginx:1\.27\.1/)
      .first()
      .waitFor();
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await row().getByText('1.27.1', { exact: true }).first().waitFor();
    await row()
      .getByText(/^Deploy of r-\w+ complete$/)
      .waitFor({ timeout: 120_000 });
    await shot('new-service-5-deployed.png');
  });

  it('rolls back to the release the template deployed', async () => {
    await page.getByRole('button', { name: `Roll back ${env}` }).click();
    const dialog = page.getByRole('dialog');
    // the previous release is preselected; its diff first
    await dialog
      .getByText(/^#\d+ · /)
      .first()
      .waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByText(/^Dry run: release r-/).waitFor({ timeout: 60_000 });
    await dialog
      .getByRole('button', { name: 'Roll back', exact: true })
      .click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await row()
      .getByText(/^Rollback of r-\w+ complete$/)
      .waitFor({ timeout: 120_000 });
    await row().getByText('1.27', { exact: true }).first().waitFor();
    await expect(
      row().getByText('1.27.1', { exact: true }).count(),
    ).resolves.toBe(0);
    await shot('new-service-6-rolled-back.png');
  });

  it('18.11 tears the run down from the environment page, step by step, catalog registration included', async () => {
    await page.goto(`${appUrl}/catalog/default/environment/${env}`);
    await page
      .getByRole('button', { name: 'Tear down template run' })
      .click({ timeout: 60_000 });
    const dialog = page.getByRole('dialog');
    const steps = dialog.getByRole('list', { name: 'teardown steps' });
    await steps.getByRole('listitem').first().waitFor({ timeout: 30_000 });
    const planned = await steps.getByRole('listitem').allTextContents();
    // in reverse order of creation: the environment (the deployment goes
    // with its namespace), then the catalog registration of the new component
    expect(planned.map(t => t.replace(/to do$/, '').trim())).toEqual([
      expect.stringMatching(new RegExp(`^1\\. Delete environment ${env} `)),
      expect.stringMatching(
        new RegExp(
          `^2\\. Unregister component:default/${name} from the catalog`,
        ),
      ),
    ]);
    await dialog.getByLabel('Confirm teardown').fill(env);
    await shot('new-service-7-teardown-plan.png');
    await dialog
      .getByRole('button', { name: 'Tear down', exact: true })
      .click();
    // each step reports as it runs; the dialog closes once all are done
    await dialog.waitFor({ state: 'detached', timeout: 120_000 });
    await page
      .getByRole('status')
      .getByText(new RegExp(`^Torn down: .*component:default/${name}`))
      .waitFor();
    await shot('new-service-8-torn-down.png');

    const token = await guestToken();
    const entity = await fetch(
      `${backendUrl}/api/catalog/entities/by-name/component/default/${name}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(entity.status).toBe(404);
    const environment = await stagecraftCall(
      token,
      'GET',
      `/environments/${env}`,
    );
    expect(environment.status).toBe(404);
  });
});
