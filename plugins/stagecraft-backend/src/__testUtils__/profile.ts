// A CPU profile of this process around one phase of a benchmark (node's
// inspector, the same V8 sampling profiler as `--cpu-prof`), summarised by
// where the self time went: bench/backend.ts (yarn bench:status) and
// write.bench.test.ts (yarn bench:write) use it.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
};

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  durationMs: number;
  /** Samples that were not idle. */
  busySamples: number;
  samples: number;
  /** Self time by package (Stagecraft, each @backstage package, node, GC…), % of busy samples. */
  byArea: Array<{ what: string; percent: number }>;
  byFunction: Array<{ what: string; percent: number }>;
}

/** Where a frame's code lives: Stagecraft, a package, Node, or V8 itself. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (pkg) return pkg;
  if (/plugins\/[^/]*stagecraft/.test(url)) return 'stagecraft';
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

/** Self time of a V8 CPU profile by area and by function. */
export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy++;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + 1);
    const where = url
      ? ` ${url.split('/').slice(-1)[0]}:${lineNumber + 1}`
      : '';
    const fn = `${functionName || '(anonymous)'}${where} [${area}]`;
    fns.set(fn, (fns.get(fn) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, k]) => ({
        what,
        percent: Math.round((k / Math.max(busy, 1)) * 1000) / 10,
      }));
  return {
    durationMs: Math.round((profile.endTime - profile.startTime) / 1000),
    busySamples: busy,
    samples: profile.samples.length,
    byArea: top(areas, 15),
    byFunction: top(fns, 25),
  };
}

/**
 * Starts the sampling profiler (every 100 µs); the returned stop ends it,
 * writes the `.cpuprofile` (open it in Chrome's DevTools) when given a file,
 * and returns the summary.
 */
export async function startProfile(): Promise<
  (file?: string) => Promise<ProfileSummary>
> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async file => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    if (file) fs.writeFileSync(file, JSON.stringify(profile));
    return summariseProfile(profile as CpuProfile);
  };
}
