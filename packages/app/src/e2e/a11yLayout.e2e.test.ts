/**
 * @jest-environment node
 */
// Every Stagecraft page at the widths people use (1280 and 1440 px): no
// clipped button, header or chip (an element whose content is wider than its
// box, or a word broken inside a table header), and no serious or critical
// accessibility violation found by axe's engine (axe-core, injected into the
// page the way @axe-core/playwright does it; that wrapper cannot be loaded
// under Jest's transform of node_modules). Runs against the living demo
// (scripts/demo-seed.mjs).
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { launchSignedIn, shots } from './__testUtils__/browser';
import { kubectl } from './__testUtils__/cluster';
import { openSettled, STAGECRAFT_PAGES } from './__testUtils__/pages';

jest.setTimeout(300_000);

/** Elements whose content does not fit: clipped text, or a word broken across lines. */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()} "${(el.textContent ?? '')
        .trim()
        .slice(0, 40)}"`;
    const main = document.querySelector('main') ?? document.body;
    for (const el of main.querySelectorAll<HTMLElement>(
      'button, [role="button"], th, .MuiChip-root, .MuiSelect-root, .MuiCardHeader-root',
    )) {
      if (!el.offsetParent) continue; // not shown
      if (el.scrollWidth > el.clientWidth + 1) {
        problems.push(
          `${describe(el)} is clipped (${el.scrollWidth} > ${
            el.clientWidth
          } px)`,
        );
      }
    }
    // a header broken inside a word ("Replica s"): a single word whose text
    // needs more than one line
    for (const th of main.querySelectorAll<HTMLElement>('th')) {
      const text = (th.textContent ?? '').trim();
      if (!text || /\s/.test(text) || !th.offsetParent) continue;
      const range = document.createRange();
      range.selectNodeContents(th);
      const lines = new Set(
        [...range.getClientRects()].map(r => Math.round(r.top)),
      );
      if (lines.size > 1)
        problems.push(`${describe(th)} wraps inside the word`);
    }
    return problems;
  });
}

const axeSource = fs.readFileSync(
  require.resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe's WCAG 2 A/AA rules over the page's main content. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(
      document.querySelector('main') ?? document,
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } },
    );
    return result.violations;
  });
}

/** Where the Warning event is, and the pages that show it. */
const WARNED = {
  env: 'payments-dev',
  component: 'payments-worker',
  pages: ['deployments-tab-worker', 'environment-page-payments-dev'],
};

describe('18.10 Stagecraft pages: layout and accessibility', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // a Warning event on payments-worker in payments-dev, so that the pages
    // showing it are checked with a Warning row (the cluster makes one only
    // now and then, e.g. a surge pod refused by the quota)
    const now = new Date().toISOString();
    kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: 'stagecraft-e2e-a11y-warning',
          namespace: WARNED.env,
        },
        involvedObject: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: WARNED.component,
          namespace: WARNED.env,
        },
        type: 'Warning',
        reason: 'FailedCreate',
        message: 'pods "payments-worker-7d9f-x" is forbidden: exceeded quota',
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: 'stagecraft-e2e' },
      }),
    );
    ({ browser, page } = await launchSignedIn({ width: 1280, height: 900 }));
  });
  afterAll(async () => browser?.close());

  const cases = [1280, 1440].flatMap(width =>
    STAGECRAFT_PAGES.map(pg => ({ ...pg, width })),
  );
  it.each(cases)(
    `$name at $width px: nothing clipped, no serious accessibility violation`,
    async ({ name, path: p, ready, width }) => {
      await page.setViewportSize({ width, height: 900 });
      await openSettled(page, p, ready);
      if (WARNED.pages.includes(name)) {
        await page
          .locator('[data-testid="cluster-event"][data-type="Warning"]')
          .first()
          .waitFor({ timeout: 60_000 });
      }
      await page.screenshot({
        path: path.join(shots, `layout-${name}-${width}.png`),
        fullPage: true,
      });
      expect(await clipped(page)).toEqual([]);
      const serious = (await axeViolations(page))
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(
          v =>
            `${v.id} (${v.impact}): ${v.help} — ${v.nodes
              .slice(0, 3)
              .map(n => n.target.join(' '))
              .join('; ')}`,
        );
      expect(serious).toEqual([]);
    },
  );
});
