// Issue 18: every disabled Stagecraft control says the backend's reason for
// this user. Reads what the backend answers (GET …/actions) and what the page
// shows (the tooltip of each disabled button), and pairs them by the button's
// accessible name.
import type { Page } from 'playwright-core';
import { stagecraftCall } from './browser';

type Answer = { allowed?: boolean; reason?: { message?: string } };
type Actions = { actions?: Record<string, Answer> };

/** Which backend answer a button's accessible name stands for. */
export function actionOfLabel(
  label: string,
  environmentOfPage?: string,
):
  | { scope: 'component' | 'environment'; environment: string; action: string }
  | undefined {
  const c = (action: string, environment: string) => ({
    scope: 'component' as const,
    environment,
    action,
  });
  const componentActions: Array<[RegExp, (m: RegExpExecArray) => string[]]> = [
    [/^Deploy to (\S+)$/, m => ['deploy', m[1]]],
    [/^Promote (\S+)( to \S+)?$/, m => ['promote', m[1]]],
    [/^Roll back (\S+)$/, m => ['rollback', m[1]]],
    [/^Restart in (\S+)$/, m => ['restart', m[1]]],
    [/^Scale in (\S+)$/, m => ['scale', m[1]]],
    [
      /^(Approve|Reject|Withdraw) .* to (\S+)$/,
      m => [m[1].toLowerCase(), m[2]],
    ],
  ];
  for (const [pattern, pick] of componentActions) {
    const m = pattern.exec(label);
    if (m) {
      const [action, environment] = pick(m);
      return c(action, environment);
    }
  }
  if (!environmentOfPage) return undefined;
  const e = (action: string) => ({
    scope: 'environment' as const,
    environment: environmentOfPage,
    action,
  });
  if (label === 'Edit') return c('configUpdate', environmentOfPage);
  if (/^Provision /.test(label)) return e('provision');
  const byLabel: Record<string, string> = {
    Pause: 'pause',
    Resume: 'resume',
    Extend: 'extend',
    'Delete environment': 'delete',
    'Tear down template run': 'delete',
  };
  return byLabel[label] ? e(byLabel[label]) : undefined;
}

/** The backend's answer for one action, as the signed-in guest. */
export async function backendAnswer(
  token: string,
  component: string | undefined,
  target: NonNullable<ReturnType<typeof actionOfLabel>>,
): Promise<Answer | undefined> {
  const path =
    target.scope === 'component'
      ? `/components/${encodeURIComponent(
          component ?? '',
        )}/actions?environment=${encodeURIComponent(target.environment)}`
      : `/environments/${encodeURIComponent(target.environment)}/actions`;
  const res = await stagecraftCall(token, 'GET', path);
  return (res.body as Actions | undefined)?.actions?.[target.action];
}

/**
 * The tooltip text of the disabled button with this name (hovering the
 * wrapper it sits in); undefined when no such button is disabled any more.
 */
export async function tooltipOf(
  page: Page,
  label: string,
): Promise<string | undefined> {
  const named = page
    .locator('main')
    .getByRole('button', { name: label, exact: true, disabled: true });
  if ((await named.count()) === 0) return undefined;
  await page.mouse.move(0, 0);
  await page.getByRole('tooltip').waitFor({ state: 'detached' });
  await named.first().locator('..').hover({ force: true, timeout: 5000 });
  const tip = page.getByRole('tooltip');
  try {
    await tip.waitFor({ timeout: 3000 });
  } catch {
    return '';
  }
  return ((await tip.textContent()) ?? '').trim();
}

/**
 * Every disabled Stagecraft button of the page with its tooltip and the
 * backend's reason (when the button stands for a backend action). Buttons
 * of a dialog or busy with a request are left out (they are not refusals).
 */
export async function disabledControls(
  page: Page,
  token: string,
  component: string | undefined,
  environmentOfPage?: string,
) {
  const out: Array<{
    label: string;
    tooltip: string;
    reason?: string;
    mapped: boolean;
  }> = [];
  // one snapshot of the page's disabled buttons, then each found by its
  // name: a button the live page enabled meanwhile is no refusal any more
  const labels = await page
    .locator('main button:disabled')
    .evaluateAll(buttons =>
      buttons.map(
        b => b.getAttribute('aria-label') ?? (b.textContent ?? '').trim(),
      ),
    );
  for (const label of labels) {
    const target = actionOfLabel(label, environmentOfPage);
    const tooltip = await tooltipOf(page, label);
    if (tooltip === undefined) continue;
    const answer = target
      ? await backendAnswer(token, component, target)
      : undefined;
    out.push({
      label,
      tooltip,
      reason: answer?.reason?.message,
      mapped: !!target,
    });
  }
  return out;
}
