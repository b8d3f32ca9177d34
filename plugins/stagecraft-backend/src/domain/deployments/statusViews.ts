import { createHash } from 'node:crypto';

/** A component's deployments as the client receives them, serialised once. */
export interface StatusView {
  /** The JSON body `{ "items": [...] }`. */
  body: string;
  /** A strong validator of `body` (a quoted hash), for `ETag` / `If-None-Match`. */
  etag: string;
}

interface Entry extends StatusView {
  at: number;
  ref: string;
  ids: string[];
}

/** The strong entity tag of a body: its SHA-1, quoted. */
export const etagOf = (body: string) =>
  `"${createHash('sha1').update(body).digest('base64url')}"`;

/**
 * Serialised status views per component and per set of environments the
 * reader may see, so a repeated view costs neither a rebuild nor a
 * serialisation. A view is dropped when the watch cache sees one of its
 * objects change (by kubernetes-id), when this replica writes a revision of
 * the component (`forgetComponent`), and after `ttlMs` at the latest (the
 * store reads it is built from are shared for as long: a write of another
 * replica shows as soon as without this cache).
 */
export class StatusViews {
  private readonly views = new Map<string, Entry>();
  private readonly byId = new Map<string, Set<string>>();

  /** `ttlMs` 0 (or less): build every view afresh. */
  constructor(private readonly ttlMs: number) {}

  /** The kept view of `key`, or a new one from `build` (kept when `ttlMs` > 0). */
  async get(
    key: string,
    ref: string,
    build: () => Promise<{ items: unknown[]; ids: string[] }>,
  ): Promise<StatusView> {
    const now = Date.now();
    const kept = this.views.get(key);
    if (kept && now - kept.at < this.ttlMs) return kept;
    if (kept) this.drop(key);
    const { items, ids } = await build();
    const body = JSON.stringify({ items });
    const entry: Entry = { body, etag: etagOf(body), at: now, ref, ids };
    if (this.ttlMs <= 0) return entry;
    if (this.views.size >= 10_000) this.sweep(now);
    this.views.set(key, entry);
    for (const id of ids) {
      let keys = this.byId.get(id);
      if (!keys) this.byId.set(id, (keys = new Set()));
      keys.add(key);
    }
    return entry;
  }

  /** The objects of a kubernetes-id changed somewhere: its views are stale. */
  changed(kubernetesId: string): void {
    for (const key of [...(this.byId.get(kubernetesId) ?? [])]) this.drop(key);
  }

  /** This replica wrote a revision of the component: its views are stale. */
  forgetComponent(ref: string): void {
    for (const [key, entry] of this.views)
      if (entry.ref === ref) this.drop(key);
  }

  private drop(key: string) {
    const entry = this.views.get(key);
    if (!entry) return;
    this.views.delete(key);
    for (const id of entry.ids) {
      const keys = this.byId.get(id);
      keys?.delete(key);
      if (keys && !keys.size) this.byId.delete(id);
    }
  }

  private sweep(now: number) {
    for (const [key, entry] of this.views)
      if (now - entry.at >= this.ttlMs) this.drop(key);
  }
}
