// Shared by the benchmarks that run under Jest (write.bench.test.ts, run by
// scripts/bench-write.sh): the API-server requests an operation cost (from the
// control plane's audit log, which records only Stagecraft's identity), the
// pinned kubectl, polling with a deadline, percentiles and the report file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clusterState } from './reliability';

const root = path.resolve(__dirname, '../../../..');
const auditLog = path.join(
  process.env.STAGECRAFT_CLUSTER_LOGS ?? path.join(clusterState, '..', 'logs'),
  'audit.log',
);

const sizeOf = (file: string) => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * Runs `fn` and counts the API-server requests Stagecraft's identity made
 * meanwhile, by verb (watches are long-lived, not per operation: left out).
 * The audit log is read from where it stood before `fn`; the API server
 * writes it a moment after answering, so it is read once it stops growing.
 */
export async function apiRequests(
  fn: () => Promise<void>,
): Promise<{ total: number; byVerb: Record<string, number> }> {
  const from = sizeOf(auditLog);
  await fn();
  let size = -1;
  await pollUntil(
    'the audit log to settle',
    async () => {
      const now = sizeOf(auditLog);
      const settled = now === size;
      size = now;
      return settled;
    },
    10_000,
    250,
  );
  const byVerb: Record<string, number> = {};
  let total = 0;
  if (size > from) {
    const fd = fs.openSync(auditLog, 'r');
    const buf = Buffer.alloc(size - from);
    fs.readSync(fd, buf, 0, buf.length, from);
    fs.closeSync(fd);
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      let e: { verb?: string; stage?: string };
      try {
        e = JSON.parse(line);
      } catch {
        continue;
      }
      if (e.stage !== 'ResponseComplete' || e.verb === 'watch') continue;
      byVerb[e.verb ?? '?'] = (byVerb[e.verb ?? '?'] ?? 0) + 1;
      total++;
    }
  }
  return { total, byVerb };
}

/** The pinned kubectl as the control plane's admin; its stdout. */
export function kubectl(args: string[], input?: string): string {
  return execFileSync(
    'bash',
    [path.join(root, 'dev/cluster/cluster.sh'), 'kubectl', ...args],
    { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** Asks `fn` every `intervalMs` until it says true; throws after `timeoutMs`. */
export async function pollUntil(
  what: string,
  fn: () => Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 10,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

/** Count, p50, p95, p99 and max of milliseconds, rounded to 0.1 ms. */
export function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length
      ? Math.round(
          sorted[
            Math.min(
              sorted.length - 1,
              Math.ceil((p / 100) * sorted.length) - 1,
            )
          ] * 10,
        ) / 10
      : NaN;
  return {
    n: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: at(100),
  };
}

/** Where the benchmarks' reports and profiles go (created on first use). */
export function benchArtifact(file: string): string {
  const dir = path.join(root, '.artifacts/bench');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, file);
}

/** Writes the report to .artifacts/bench/<name>-<date>.json and prints it. */
export function writeReport(name: string, report: Record<string, unknown>) {
  const file = benchArtifact(
    `${name}-${String(report.date).replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  // eslint-disable-next-line no-console
  console.log(
    `BENCH ${name} report ${file}\n${JSON.stringify(report, null, 2)}`,
  );
}
