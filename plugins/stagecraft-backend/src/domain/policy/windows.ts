import { CronTime } from 'cron';
import type { DeployWindow } from '@stagecraft/backstage-plugin-stagecraft-common';

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60e3, h: 3600e3, d: 86400e3 } as const;

/** A window with its cron parsed (CronTime from `cron`, the scheduler's library). */
export interface ParsedWindow {
  window: DeployWindow;
  cron: CronTime;
  durationMs: number;
}

/** Parses a window; throws naming `where` when the cron, duration or zone is bad. */
export function parseWindow(window: DeployWindow, where: string): ParsedWindow {
  const match = DURATION.exec(window.duration);
  if (!match) {
    throw new Error(`${where}.duration must be like "30m", "7h" or "1d"`);
  }
  const durationMs =
    Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (durationMs <= 0 || durationMs > 7 * 86400e3) {
    throw new Error(`${where}.duration must be from 1m to 7d`);
  }
  let cron: CronTime;
  try {
    cron = new CronTime(window.cron, window.timeZone ?? 'UTC');
    cron.getNextDateFrom(new Date());
  } catch (e) {
    throw new Error(
      `${where}: cron "${window.cron}" or timeZone "${
        window.timeZone ?? 'UTC'
      }" is not valid (${(e as Error).message})`,
    );
  }
  return { window, cron, durationMs };
}

/**
 * Whether `now` falls inside one of the windows (a start less than a
 * duration ago), and otherwise when the next one opens.
 */
export function windowState(
  windows: ParsedWindow[],
  now: Date,
): { open: true } | { open: false; nextAt: Date } {
  if (!windows.length) return { open: true };
  let next: Date | undefined;
  for (const w of windows) {
    const zone = w.window.timeZone ?? 'UTC';
    // the first start after (now - duration): if it is not after now, a
    // window opened less than `duration` ago and is still open
    const recent = w.cron
      .getNextDateFrom(new Date(now.getTime() - w.durationMs), zone)
      .toJSDate();
    if (recent.getTime() <= now.getTime()) return { open: true };
    const upcoming = w.cron.getNextDateFrom(now, zone).toJSDate();
    if (!next || upcoming < next) next = upcoming;
  }
  return { open: false, nextAt: next! };
}
