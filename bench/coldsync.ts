/*
 * Cold sync of Stagecraft's watch cache on its own: time from start() to
 * every cluster synced, and the memory it added (RSS and V8 heap, after GC).
 * Run by bench/status.mjs with --expose-gc; prints one JSON line.
 *   BENCH_CLUSTERS='[{"name":"c1","url":"https://…","token":"…","caData":"…"}]'
 */
import { KubeConfig } from '@kubernetes/client-node';
import { WorkloadCache } from '../plugins/stagecraft-backend/src/cluster/WorkloadCache';

const clusters: Array<{
  name: string;
  url: string;
  token: string;
  caData: string;
}> = JSON.parse(process.env.BENCH_CLUSTERS!);

const gc = () => {
  for (let i = 0; i < 3; i++) (global as any).gc?.();
};
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

async function main() {
  const kcs = clusters.map(c => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: c.name, server: c.url, caData: c.caData }],
      users: [{ name: 'u', token: c.token }],
      contexts: [{ name: 'x', cluster: c.name, user: 'u' }],
      currentContext: 'x',
    });
    return { name: c.name, kc };
  });
  const lines: string[] = [];
  const logger: any = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(`WARN ${m}`),
    error: (m: string) => lines.push(`ERROR ${m}`),
    debug: () => undefined,
    child: () => logger,
  };
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const pageSize = process.env.BENCH_PAGE_SIZE
    ? Number(process.env.BENCH_PAGE_SIZE)
    : undefined;
  const cache = new WorkloadCache({ clusters: kcs, logger, pageSize });
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  await cache.start();
  const ms = performance.now() - started;
  clearInterval(sampler);
  gc();
  const afterGc = process.memoryUsage();
  // V8 and the allocator hand memory back lazily: measure again once settled
  for (let i = 0; i < 5; i++) {
    await new Promise(r => setTimeout(r, 1000));
    gc();
  }
  const after = process.memoryUsage();
  const stats = cache.stats();
  const objects = Object.values(stats).reduce(
    (a, s) => ({
      deployments: a.deployments + s.objects.deployments,
      replicasets: a.replicasets + s.objects.replicasets,
      pods: a.pods + s.objects.pods,
    }),
    { deployments: 0, replicasets: 0, pods: 0 },
  );
  await cache.stop();
  // eslint-disable-next-line no-console
  console.log(
    JSON.stringify({
      clusters: clusters.length,
      pageSize: pageSize ?? 'default',
      syncMs: Math.round(ms),
      objects,
      rssBeforeMb: mb(before.rss),
      rssAfterMb: mb(after.rss),
      addedRssMb: mb(after.rss - before.rss),
      addedRssRightAfterSyncMb: mb(afterGc.rss - before.rss),
      addedHeapTotalMb: mb(after.heapTotal - before.heapTotal),
      addedExternalMb: mb(after.external - before.external),
      peakAddedRssMb: mb(peakRss - before.rss),
      addedHeapMb: mb(after.heapUsed - before.heapUsed),
      log: lines,
    }),
  );
  process.exit(0);
}

main().catch(e => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
