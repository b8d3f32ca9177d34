const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Milliseconds of a TTL such as `8h`, `3d` or `3d12h30m`; undefined when it is none. */
export function parseTtl(ttl: string | undefined): number | undefined {
  if (!ttl || !/^(\d+[smhdw])+$/.test(ttl)) return undefined;
  let ms = 0;
  for (const [, n, unit] of ttl.matchAll(/(\d+)([smhdw])/g)) {
    ms += Number(n) * UNIT_MS[unit];
  }
  return ms;
}
