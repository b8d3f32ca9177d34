/**
 * `Promise.all` of independent reads that starts them together but, when
 * several fail, throws the first failure in argument order (not the first in
 * time), so a request's error stays the same from run to run (403 before 404).
 */
export async function allInOrder<T extends readonly unknown[] | []>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map(
    s => (s as PromiseFulfilledResult<unknown>).value,
  ) as unknown as { -readonly [K in keyof T]: Awaited<T[K]> };
}
