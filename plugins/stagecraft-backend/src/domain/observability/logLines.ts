import type { LogLine } from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * Pure helpers of the logs use case: parsing the kubelet's timestamped lines,
 * cutting long ones, merging several containers in time order, and the
 * per-stream byte rate limit.
 */

/** `2026-12-01T16:05:54.037804933Z text` → time and text (no time: empty). */
export function parseLogLine(raw: string): { time: string; text: string } {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const space = line.indexOf(' ');
  const head = space < 0 ? line : line.slice(0, space);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(head)) {
    return { time: head, text: space < 0 ? '' : line.slice(space + 1) };
  }
  return { time: '', text: line };
}

/**
 * A sortable key of an RFC 3339 time with up to nanoseconds (Go trims the
 * fraction's trailing zeros, so the strings themselves do not sort).
 */
export function timeKey(time: string): string {
  const m =
    /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(
      time,
    );
  if (!m) return '';
  if (m[3] !== 'Z') {
    const ms = Date.parse(`${m[1]}${m[3]}`);
    if (Number.isNaN(ms)) return '';
    return `${new Date(ms).toISOString().slice(0, 19)}.${(m[2] ?? '')
      .padEnd(9, '0')
      .slice(0, 9)}`;
  }
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (never inside a character). */
export function truncateText(
  text: string,
  maxBytes: number,
): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return { text, truncated: false };
  }
  const cut = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  // a cut multi-byte character decodes as U+FFFD: drop it
  return { text: cut.replace(/\uFFFD$/, ''), truncated: true };
}

/** A LogLine of one container from one raw kubelet line. */
export function toLogLine(
  raw: string,
  source: { pod: string; container: string },
  maxLineBytes: number,
): LogLine {
  const { time, text } = parseLogLine(raw);
  const cut = truncateText(text, maxLineBytes);
  return {
    pod: source.pod,
    container: source.container,
    time,
    text: cut.text,
    ...(cut.truncated && { truncated: true }),
  };
}

/**
 * Merges the lines of several containers in time order; lines of one
 * container keep their order (a stable sort on the time key), lines without
 * a time sort with the previous line of their container.
 */
export function mergeByTime(streams: LogLine[][]): LogLine[] {
  const keyed: Array<{
    key: string;
    stream: number;
    index: number;
    line: LogLine;
  }> = [];
  streams.forEach((lines, stream) => {
    let last = '';
    lines.forEach((line, index) => {
      const key = timeKey(line.time) || last;
      last = key;
      keyed.push({ key, stream, index, line });
    });
  });
  const byKey = (a: string, b: string) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  keyed.sort(
    (a, b) => byKey(a.key, b.key) || a.stream - b.stream || a.index - b.index,
  );
  return keyed.map(k => k.line);
}

/** The last `n` lines of a merged list (`tailLines` across every container). */
export function lastLines<T>(lines: T[], n: number | undefined): T[] {
  return n === undefined || lines.length <= n
    ? lines
    : lines.slice(lines.length - n);
}

/**
 * Bytes per second of one stream, counted in whole-second windows of the
 * injected clock: `take` says whether a line still fits this second.
 */
export class ByteRate {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly maxBytesPerSecond: number,
    private readonly now: () => number,
  ) {}

  take(bytes: number): boolean {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.used = 0;
    }
    this.used += bytes;
    return this.used <= this.maxBytesPerSecond;
  }
}

/** Counts open follows per user and in total, refusing beyond the limits. */
export class FollowSlots {
  private total = 0;
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly limits: { perUser: number; perBackend: number },
  ) {}

  /** A release function, or the limit that refused the slot. */
  acquire(user: string): (() => void) | { refused: 'user' | 'backend' } {
    const mine = this.byUser.get(user) ?? 0;
    if (mine >= this.limits.perUser) return { refused: 'user' };
    if (this.total >= this.limits.perBackend) return { refused: 'backend' };
    this.total += 1;
    this.byUser.set(user, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.byUser.get(user) ?? 1) - 1;
      if (left > 0) this.byUser.set(user, left);
      else this.byUser.delete(user);
    };
  }

  open(user?: string): number {
    return user === undefined ? this.total : this.byUser.get(user) ?? 0;
  }
}
