/**
 * @jest-environment node
 */
// Browser test of approvals (issue 13): a CI pipeline (a static external
// access token, app-config.yaml) asks to promote payments-worker into an
// environment whose type requires an approval from group:default/payments;
// the guest — a member of that group, and not the requester — sees the
// pending promotion on the Deployments tab, approves it, and watches the row
// follow the rollout on the live stream without reloading the page.
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
const ref = encodeURIComponent(component);
// app-config.yaml: the environment type "gated" (tier staging) requires one
// approval from group:default/payments
const approvalType = process.env.STAGECRAFT_APPROVAL_TYPE ?? 'gated';
// its own environment: the living demo's payments-gated has a request of its own
const gated = process.env.STAGECRAFT_APPROVAL_ENV ?? 'e2e-gated';
// unique per run, so the promotion really changes the cluster
const tag = `approve-${Date.now().toString(36)}`;

jest.setTimeout(300_000);

const call = stagecraftCall;

async function ok(token: string, method: string, p: string, body?: unknown) {
  const res = await call(token, method, p, body);
  if (res.status >= 400) {
    throw new Error(
      `${method} ${p}: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

describe('Approvals in the browser', () => {
  let browser: Browser;
  let page: Page;
  let guest: string;
  let requestId: string;
  let releaseId: string;
  const row = (env: string): Locator => page.getByTestId(`env-${env}`);
  const shot = (name: string) =>
    page.screenshot({ path: path.join(shots, name), fullPage: true });

  beforeAll(async () => {
    guest = await guestToken();
    // payments-dev (idempotent) and an environment of the gated type, a
    // staging one: the platform's (its CI pipeline's) to create
    for (const [name, type, next, as] of [
      ['payments-dev', 'development', 'payments-staging', guest],
      [gated, approvalType, undefined, ciToken],
    ] as const) {
      await ok(as, 'POST', '/environments', {
        name,
        type,
        owner: 'group:default/payments',
        system: 'payments',
        ...(next && { promotesTo: next }),
      });
    }
    ({ browser, page } = await launchSignedIn({ width: 1500, height: 1100 }));
  });

  afterAll(async () => {
    await page?.screenshot({
      path: path.join(shots, 'approvals-last.png'),
      fullPage: true,
    });
    await browser?.close();
    // leave the example pipeline as the other browser tests expect it
    if (guest) {
      await call(guest, 'DELETE', `/environments/${gated}`, {}).catch(
        () => undefined,
      );
    }
  });

  it('makes the promotion by the CI pipeline a pending request (202)', async () => {
    // a new release of payments-worker in dev (development needs no approval)
    const deployed = await ok(guest, 'POST', `/components/${ref}/deploy`, {
      environment: 'payments-dev',
      image: tag,
    });
    releaseId = deployed.release.id;

    // the CI pipeline asks to promote it: a pending request, nothing applied
    const promoted = await call(ciToken, 'POST', `/components/${ref}/promote`, {
      from: 'payments-dev',
      to: gated,
    });
    if (promoted.status !== 202) {
      throw new Error(
        `promote as the CI pipeline: expected 202 (pending), got ${
          promoted.status
        } ${JSON.stringify(promoted.body?.error?.message ?? promoted.body)}`,
      );
    }
    expect(promoted.body.pending).toMatchObject({
      state: 'pending',
      environment: gated,
      action: 'promote',
      from: 'payments-dev',
      releaseId,
      required: 1,
      group: 'group:default/payments',
    });
    requestId = promoted.body.pending.id;
  });

  it('shows the pending promotion on the row of the gated environment', async () => {
    await page.goto(`${appUrl}/catalog/default/component/payments-worker`);
    await page.getByText('Deployments', { exact: true }).first().click();
    await page.waitForURL(/\/payments-worker\/deployments$/);
    const request = page.getByTestId(`approval-${requestId}`);
    await request.waitFor({ timeout: 90_000 });
    await request
      .getByText(
        `Promotion of ${tag} (${releaseId}) from payments-dev to ${gated}`,
      )
      .waitFor();
    await request
      .getByText(
        /^Waiting for 1 of 1 approval from group:default\/payments — requested by/,
      )
      .waitFor();
    await expect(request.textContent()).resolves.toContain(
      'requested by service:',
    );
    // nothing of it runs yet
    await expect(
      row(gated).getByText(tag, { exact: true }).count(),
    ).resolves.toBe(0);
    await page.getByText('Live', { exact: true }).waitFor();
    await shot('approvals-1-pending.png');
  });

  it('approves it, and the row follows the rollout live without reloading', async () => {
    // a marker that a reload would lose
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const request = page.getByTestId(`approval-${requestId}`);
    await request
      .getByRole('button', { name: `Approve promotion to ${gated}` })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Approve the promotion to ${gated}?`).waitFor();
    await dialog.getByLabel('Comment').fill('approved by the browser test');
    await shot('approvals-2-confirm.png');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });

    await page
      .getByText(
        new RegExp(
          `^Approved: the promotion of payments-worker to ${gated} runs as revision \\d+\\.$`,
        ),
      )
      .waitFor({ timeout: 30_000 });
    await expect(request.count()).resolves.toBe(0);
    const target = row(gated);
    await target.getByText(tag, { exact: true }).waitFor({ timeout: 60_000 });
    await target
      .getByText(`Promotion of ${releaseId} complete`)
      .waitFor({ timeout: 120_000 });
    await target.getByText('Healthy').waitFor();
    await target.getByText(/from payments-dev/).waitFor();
    await shot('approvals-3-promoted.png');
    await expect(
      page.evaluate(
        () => (window as unknown as { notReloaded?: boolean }).notReloaded,
      ),
    ).resolves.toBe(true);

    // the record: executed, approved by the guest, with the comment
    const executed = await ok(
      guest,
      'GET',
      `/approvals?component=${ref}&environment=${gated}&state=executed`,
    );
    expect(
      executed.items.find((r: { id: string }) => r.id === requestId),
    ).toMatchObject({
      state: 'executed',
      approvals: [
        {
          by: 'user:default/guest',
          comment: 'approved by the browser test',
        },
      ],
    });
  });

  it('shows the approvals and the resource usage on the environment page', async () => {
    await page.goto(`${appUrl}/catalog/default/environment/${gated}`);
    await page
      .getByText(`Nothing waits for approval in ${gated}.`)
      .waitFor({ timeout: 60_000 });
    await page.getByText(/^CPU requests: /).waitFor({ timeout: 60_000 });
    await page.getByText('Estimated monthly cost:').waitFor();
    // per workload where the cluster lists its pods (actual usage beside
    // requests), per component otherwise
    const perComponent = page.getByRole('table', {
      name: /^usage per (workload|component)$/,
    });
    await perComponent.getByText('payments-worker').waitFor();
    await page.getByRole('button', { name: 'Clone' }).waitFor();
    await shot('approvals-4-environment-page.png');
    await expect(
      page.getByText('Estimated monthly cost:').count(),
    ).resolves.toBe(1);
  });
});
