/**
 * Store reads of the status path (current revisions per component,
 * environment records), shared for `ttlMs`; a write of this replica
 * `forget`s its key at once. A failed read is not kept.
 */
export class ReadCache {
  private readonly reads = new Map<
    string,
    { at: number; value: Promise<unknown> }
  >();

  /** `ttlMs` 0 (or less): read every time. */
  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const ttl = this.ttlMs;
    if (ttl <= 0) return read();
    const now = Date.now();
    const hit = this.reads.get(key);
    if (hit && now - hit.at < ttl) return hit.value as Promise<T>;
    if (this.reads.size > 10_000) {
      for (const [k, v] of this.reads) {
        if (now - v.at >= ttl) this.reads.delete(k);
      }
    }
    const value = read();
    this.reads.set(key, { at: now, value });
    value.catch(() => this.reads.delete(key));
    return value;
  }

  forget(key: string): void {
    this.reads.delete(key);
    for (const listener of this.forgetListeners) listener(key);
  }

  private readonly forgetListeners: Array<(key: string) => void> = [];

  /** Calls `listener` with every key a write of this replica forgets. */
  onForget(listener: (key: string) => void): void {
    this.forgetListeners.push(listener);
  }
}

/** The cache key of a component's current revisions. */
export const currentKey = (componentRef: string) => `current:${componentRef}`;

/** The component ref of a `currentKey`, or undefined for another key. */
export const componentOfKey = (key: string) =>
  key.startsWith('current:') ? key.slice('current:'.length) : undefined;
