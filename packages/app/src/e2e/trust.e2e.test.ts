/**
 * @jest-environment node
 */
// Issue 18, "a UI a person can trust": one test per item, against the living
// demo (scripts/demo-seed.mjs) as the guest, a member of payments. What the
// page shows is compared with what the backend answers for the same user,
// so the tests hold whatever state the demo is in. No fixed sleeps: every
// wait is for a condition.
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import {
  guestToken,
  launchSignedIn,
  shots,
  stagecraftCall,
  until,
} from './__testUtils__/browser';
import { disabledControls } from './__testUtils__/reasons';
import {
  answered as answeredIn,
  openSettled,
  STAGECRAFT_PAGES,
} from './__testUtils__/pages';

jest.setTimeout(240_000);

const CHECKOUT = 'component:default/checkout';
const WORKER = 'component:default/payments-worker';
const enc = encodeURIComponent;

describe('Issue 18: every button does what it says, every state is true', () => {
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    ({ browser, page } = await launchSignedIn({ width: 1440, height: 900 }));
    token = await guestToken();
  });
  afterAll(async () => browser?.close());

  const shot = (name: string) =>
    page.screenshot({
      path: path.join(shots, `trust-${name}.png`),
      fullPage: true,
    });

  const open = (p: string, ready: RegExp) => openSettled(page, p, ready);
  const answered = () => answeredIn(page);

  /** The Deployments tab once every row's buttons have the backend's answer. */
  async function deploymentsTab(component: string) {
    const name = component.split('/')[1];
    await open(
      `/catalog/default/component/${name}/deployments`,
      /Healthy|Rolling out|Not deployed/,
    );
    await page
      .getByRole('button', { name: /^Deploy to payments-dev$/ })
      .waitFor();
    await answered();
  }

  it('18.2 resources card shows name, requester and status', async () => {
    await open(
      '/catalog/default/environment/payments-dev',
      /Workloads running here/,
    );
    const resources = (
      await stagecraftCall(token, 'GET', '/environments/payments-dev/resources')
    ).body.items as Array<{ name: string; type: string }>;
    const table = page.getByRole('table', { name: 'resources' });
    await table.waitFor();
    await shot('18.2-resources');
    expect(await page.locator('main').textContent()).not.toContain(
      '[object Object]',
    );
    for (const r of resources) {
      const row = table.getByRole('row').filter({ hasText: r.name });
      await expect(row.count()).resolves.toBe(1);
      expect(await row.textContent()).toMatch(/deployed by|guest|ci/);
      expect(await row.textContent()).toMatch(/Ready|Not ready|Status unknown/);
    }
  });

  it("18.3 the Deployments tab shows the backend's pipeline order and promotion targets", async () => {
    await deploymentsTab(CHECKOUT);
    const pipeline = (
      await stagecraftCall(token, 'GET', '/pipeline?system=payments')
    ).body.items[0].stages.map((s: { environment: string }) => s.environment);
    const rows = await page
      .locator('main tr[data-testid^="env-"]')
      .evaluateAll(trs =>
        trs.map(tr => tr.getAttribute('data-testid')!.slice(4)),
      );
    const shown = rows.filter(r => pipeline.includes(r));
    expect(shown).toEqual(pipeline.filter((e: string) => rows.includes(e)));
    for (const env of ['payments-dev', 'payments-staging']) {
      const answer = (
        await stagecraftCall(
          token,
          'GET',
          `/components/${enc(CHECKOUT)}/actions?environment=${env}`,
        )
      ).body;
      if (!answer.promotesTo) continue;
      await expect(
        page
          .getByRole('button', {
            name: `Promote ${env} to ${answer.promotesTo}`,
          })
          .count(),
      ).resolves.toBe(1);
    }
    await shot('18.3-pipeline');
  });

  it("18.5 every disabled control has the backend's reason for this user as its tooltip", async () => {
    const pages = STAGECRAFT_PAGES.filter(p => p.component || p.environment);
    const problems: string[] = [];
    let checked = 0;
    for (const p of pages) {
      await open(p.path, p.ready);
      await answered();
      const controls = await disabledControls(
        page,
        token,
        p.component,
        p.environment,
      );
      for (const c of controls) {
        checked += 1;
        if (!c.tooltip)
          problems.push(
            `${p.path}: "${c.label}" is disabled without a tooltip`,
          );
        else if (c.mapped && c.reason !== undefined && c.tooltip !== c.reason) {
          problems.push(
            `${p.path}: "${c.label}" says "${c.tooltip}", the backend "${c.reason}"`,
          );
        }
      }
      await shot(`18.5-${p.name}`);
    }
    expect(problems).toEqual([]);
    // payments-prod is platform-only for the guest: there is something to check
    expect(checked).toBeGreaterThan(0);
  });

  it('18.4 a requester withdraws their own pending request; Reject says why not', async () => {
    // the guest asks for a deploy of payments-worker into payments-gated (approval required)
    const asked = await stagecraftCall(
      token,
      'POST',
      `/components/${enc(WORKER)}/deploy`,
      {
        environment: 'payments-gated',
      },
    );
    expect([202, 409]).toContain(asked.status);
    const mine = (
      await stagecraftCall(
        token,
        'GET',
        `/approvals?component=${enc(
          WORKER,
        )}&environment=payments-gated&state=pending`,
      )
    ).body.items.find(
      (r: { requestedBy: string }) => r.requestedBy === 'user:default/guest',
    );
    expect(mine).toBeDefined();
    try {
      await deploymentsTab(WORKER);
      const group = page.getByTestId(`approval-${mine.id}`);
      await group.waitFor();
      const noun = mine.action === 'promote' ? 'promotion' : mine.action;
      const reject = group.getByRole('button', {
        name: `Reject ${noun} to payments-gated`,
      });
      await expect(reject.isDisabled()).resolves.toBe(true);
      await reject.locator('..').hover({ force: true });
      const reason = (
        await stagecraftCall(
          token,
          'GET',
          `/components/${enc(WORKER)}/actions?environment=payments-gated`,
        )
      ).body.actions.reject.reason.message;
      await expect(page.getByRole('tooltip').textContent()).resolves.toBe(
        reason,
      );
      await page.mouse.move(0, 0);
      await group
        .getByRole('button', { name: `Withdraw ${noun} to payments-gated` })
        .click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Withdraw' }).click();
      await page.getByText(/^Withdrawn: the /).waitFor();
      await shot('18.4-withdrawn');
      const after = (
        await stagecraftCall(token, 'GET', `/approvals/${mine.id}`)
      ).body;
      expect(after?.state).toBe('withdrawn');
    } finally {
      // never leave the demo with a request of this test waiting
      await stagecraftCall(token, 'POST', `/approvals/${mine.id}/withdraw`, {});
    }
  });

  it('18.6 the Workloads card lists what runs there (as the Usage card does), live', async () => {
    await open(
      '/catalog/default/environment/payments-pr-1',
      /Workloads running here/,
    );
    const usage = (
      await stagecraftCall(token, 'GET', '/environments/payments-pr-1/usage')
    ).body;
    const table = page.getByRole('table', { name: 'workloads' });
    for (const c of usage?.components ?? []) {
      await table
        .getByText(c.component.split('/')[1])
        .first()
        .waitFor({ timeout: 15_000 });
    }
    await shot('18.6-workloads');
  });

  it('18.7 the Config tab lists every environment the component runs in, with readable versions and restore', async () => {
    await open(
      '/catalog/default/component/checkout/config',
      /Effective configuration/,
    );
    const deployed = (
      await stagecraftCall(
        token,
        'GET',
        `/components/${enc(CHECKOUT)}/deployments`,
      )
    ).body.items.map((d: { environment: string }) => d.environment);
    const tabs = await page.locator('main [role="tab"]').allTextContents();
    for (const env of deployed) expect(tabs).toContain(env);
    expect(await page.locator('main').textContent()).not.toMatch(
      /env\d+\.cmp\d+/,
    );
    await shot('18.7-config');
  });

  it('18.8 a deploy without an image is config-only and its dry run lists every object, resources included', async () => {
    await deploymentsTab(CHECKOUT);
    await page.getByRole('button', { name: 'Deploy to payments-dev' }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByText(/Empty: a config-only rollout that keeps the running image/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog
      .getByText(/^Config-only rollout: payments-dev keeps the images/)
      .waitFor();
    const objects = dialog.getByRole('table', {
      name: 'objects the deploy writes',
    });
    await objects.getByText('Deployment/checkout').waitFor();
    await objects.getByText(/StatefulSet\/checkout-db/).waitFor();
    await shot('18.8-config-only');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('18.9 Pause and Resume are enabled only when they make sense', async () => {
    await open(
      '/catalog/default/environment/payments-pr-1',
      /Workloads running here/,
    );
    const answer = (
      await stagecraftCall(token, 'GET', '/environments/payments-pr-1/actions')
    ).body;
    for (const op of ['Pause', 'Resume'] as const) {
      const button = page.getByRole('button', { name: op, exact: true });
      await button.waitFor();
      await answered();
      await expect(button.isEnabled()).resolves.toBe(
        answer.actions[op.toLowerCase()].allowed,
      );
    }
    // exactly one of them makes sense at a time
    expect(answer.actions.pause.allowed).not.toBe(
      answer.actions.resume.allowed,
    );
    await shot('18.9-pause-resume');
  });

  it('18.9 Pause really scales payments-pr-1 to zero and says so; Resume gives the replicas back', async () => {
    const pr = '/environments/payments-pr-1';
    const worker = async () =>
      (
        await stagecraftCall(
          token,
          'GET',
          `/components/${enc(WORKER)}/deployments`,
        )
      ).body.items.find(
        (d: { environment: string }) => d.environment === 'payments-pr-1',
      );
    // from a running preview (a run that stopped half-way left it paused)
    await stagecraftCall(token, 'POST', `${pr}/resume`, {});
    const before = (await worker()).revision.replicas ?? 1;
    await open(
      `/catalog/default${pr.replace('/environments', '/environment')}`,
      /Workloads running here/,
    );
    await answered();

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Pause', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page
      .getByRole('status')
      .getByText(
        `Paused payments-pr-1: payments-worker (had ${before}) scaled to zero; Resume gives the replicas back.`,
      )
      .waitFor();
    await page.getByText('Paused', { exact: true }).first().waitFor();
    // the backend's live status follows: paused, no replica wanted
    await until('payments-worker paused in payments-pr-1', async () => {
      const d = await worker();
      return d.paused && d.status.replicas.desired === 0 ? d : undefined;
    });
    await answered();
    await expect(
      page.getByRole('button', { name: 'Pause', exact: true }).isEnabled(),
    ).resolves.toBe(false);
    await shot('18.9-paused');

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Resume', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page
      .getByRole('status')
      .getByText(
        `Resumed payments-pr-1: payments-worker (${before}) replicas back.`,
      )
      .waitFor();
    await until('payments-worker resumed in payments-pr-1', async () => {
      const d = await worker();
      return !d.paused && d.status.replicas.desired === before ? d : undefined;
    });
    await shot('18.9-resumed');
  });

  it('18.12 filters stay in the URL, the Owner filter shows short names, relative times tick', async () => {
    await open('/environments', /payments-staging/);
    await page.getByRole('button', { name: /^Owner/ }).click();
    const owners = await page.getByRole('option').allTextContents();
    expect(owners).toContain('payments');
    expect(owners.some(o => o.startsWith('group:'))).toBe(false);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Tier/ }).click();
    await page.getByRole('option', { name: 'preview', exact: true }).click();
    await page.waitForFunction(() =>
      window.location.search.includes('tier=preview'),
    );
    await page.reload();
    await page
      .locator('main')
      .getByText('payments-pr-1')
      .first()
      .waitFor({ timeout: 60_000 });
    await expect(
      page.locator('main').getByText('payments-staging').count(),
    ).resolves.toBe(0);
    // a relative time changes by itself (one clock, no reload)
    await open(
      '/catalog/default/component/checkout/deployments',
      /Healthy|Rolling out|Not deployed/,
    );
    const before = await page.locator('main time').allTextContents();
    expect(before.length).toBeGreaterThan(0);
    await page.waitForFunction(
      was =>
        [...document.querySelectorAll('main time')].some(
          (t, i) => t.textContent !== was[i],
        ),
      before,
      { timeout: 90_000 },
    );
    await shot('18.12-ticking');
  });
});
