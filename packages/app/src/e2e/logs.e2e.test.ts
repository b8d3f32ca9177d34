/**
 * @jest-environment node
 */
// Browser test of the Logs view (issue 23, acceptance): payments-worker runs
// in payments-dev on the local control plane, kwok serves its pods' logs
// from files this test writes (a kwok `Logs` object per pod, see
// dev/cluster/README.md); the test opens the logs from the Deployments tab
// and sees a line it appends after the view opened, without reloading.
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  appUrl,
  guestToken,
  launchSignedIn,
  shots,
  stagecraftCall,
  stagecraftOk as call,
  until,
} from './__testUtils__/browser';
import { kubectl } from './__testUtils__/cluster';

const component = 'component:default/payments-worker';
const ref = encodeURIComponent(component);
const environment = 'payments-dev';
const tag = `e2e-logs-${Date.now().toString(36)}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-e2e-logs-'));

jest.setTimeout(300_000);

/** A line as a container runtime writes it (CRI format, what kwok serves). */
const cri = (text: string) => `${new Date().toISOString()} stdout F ${text}\n`;

/** payments-dev provisioned (idempotent) and payments-worker deployed there. */
async function seed(token: string) {
  await call(token, 'POST', '/environments', {
    name: environment,
    type: 'development',
    owner: 'group:default/payments',
    system: 'payments',
    promotesTo: 'payments-staging',
  });
  const current: Array<{ environment?: string }> =
    (await call(token, 'GET', `/components/${ref}/deployments`)).items ?? [];
  if (!current.some(d => d.environment === environment)) {
    await call(token, 'POST', `/components/${ref}/deploy`, { environment });
  }
}

describe('Logs in the browser', () => {
  let browser: Browser;
  let page: Page;
  let pods: string[] = [];
  const logFile = (pod: string) => path.join(dir, `${pod}.log`);

  beforeAll(async () => {
    const token = await guestToken();
    await seed(token);
    // the running pods of payments-worker there (kwok serves no log for a
    // pod without a Logs object, so the backend cannot list them by reading)
    pods = await until(
      'a running pod of payments-worker in payments-dev',
      async () => {
        const list = JSON.parse(
          kubectl([
            'get',
            'pods',
            '-n',
            environment,
            '-l',
            `app.kubernetes.io/instance=payments-worker-${environment}`,
            '-o',
            'json',
          ]),
        ) as {
          items: Array<{
            metadata: { name: string; deletionTimestamp?: string };
            status?: { phase?: string };
          }>;
        };
        const running = list.items
          .filter(
            p => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp,
          )
          .map(p => p.metadata.name);
        return running.length ? running : undefined;
      },
      120_000,
    );
    // kwok serves each pod's log from a file of this test
    for (const pod of pods) {
      fs.writeFileSync(logFile(pod), cri(`${tag} booted ${pod}`));
      kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'Logs',
          metadata: { name: pod, namespace: environment },
          spec: {
            logs: [{ containers: [], logsFile: logFile(pod), follow: true }],
          },
        }),
      );
    }
    // the backend reads them (kwok took the Logs objects up)
    await until(
      'the booted line through the backend',
      async () => {
        const res = await stagecraftCall(
          token,
          'GET',
          `/components/${ref}/logs?environment=${environment}&tailLines=50`,
        );
        return (res.body?.lines ?? []).some((l: { text: string }) =>
          l.text.includes(`${tag} booted`),
        )
          ? true
          : undefined;
      },
      60_000,
    );
    ({ browser, page } = await launchSignedIn({ width: 1500, height: 1000 }));
  });

  afterAll(async () => {
    await page?.screenshot({
      path: path.join(shots, 'logs-last.png'),
      fullPage: true,
    });
    await browser?.close();
    for (const pod of pods) {
      try {
        kubectl([
          'delete',
          'logs.kwok.x-k8s.io',
          pod,
          '-n',
          environment,
          '--ignore-not-found',
        ]);
      } catch {
        // the cluster may be going down already
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens the logs from the Deployments tab and sees a line appended after it opened', async () => {
    await page.goto(
      `${appUrl}/catalog/default/component/payments-worker/deployments`,
    );
    const row = page.getByTestId(`env-${environment}`);
    await row
      .getByRole('button', { name: `Logs in ${environment}` })
      .click({ timeout: 90_000 });
    const dialog = page.getByRole('dialog');
    await dialog
      .getByText(`Logs of payments-worker in ${environment}`)
      .waitFor();
    const lines = dialog.getByRole('log', { name: 'log lines' });
    await lines
      .getByText(`${tag} booted ${pods[0]}`)
      .waitFor({ timeout: 30_000 });
    await dialog.getByText('Live', { exact: true }).waitFor();
    // every pod merged: the pod name is on the line
    await lines.getByText(pods[0], { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(shots, 'logs-1-opened.png') });

    const appended = `${tag} appended after the page opened`;
    const at = Date.now();
    fs.appendFileSync(logFile(pods[0]), cri(appended));
    await lines.getByText(appended).waitFor({ timeout: 10_000 });
    const ms = Date.now() - at;
    // eslint-disable-next-line no-console
    console.log(
      `logs e2e: the appended line showed in the browser after ${ms} ms`,
    );
    await page.screenshot({ path: path.join(shots, 'logs-2-appended.png') });

    // search within the shown lines
    await dialog.getByLabel('Search shown lines').fill('appended');
    await expect(lines.getByTestId('log-line').count()).resolves.toBe(1);

    // follow off: the stream stops, the lines stay
    await dialog.getByRole('checkbox', { name: 'Follow' }).uncheck();
    await dialog.getByLabel('Search shown lines').fill('');
    fs.appendFileSync(logFile(pods[0]), cri(`${tag} not followed`));
    // once a fresh read gets the line, a stream still open would have it too
    const token = await guestToken();
    await until('the unfollowed line through the backend', async () => {
      const res = await stagecraftCall(
        token,
        'GET',
        `/components/${ref}/logs?environment=${environment}&pod=${pods[0]}&tailLines=5`,
      );
      return (res.body?.lines ?? []).some((l: { text: string }) =>
        l.text.includes(`${tag} not followed`),
      )
        ? true
        : undefined;
    });
    await expect(lines.getByText(appended).count()).resolves.toBe(1);
    await expect(lines.getByText(`${tag} not followed`).count()).resolves.toBe(
      0,
    );

    await dialog.getByRole('button', { name: 'Close logs' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});
