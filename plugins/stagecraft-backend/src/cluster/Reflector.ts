import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import type {
  ClusterListPage,
  ClusterWatchTransport,
} from '@stagecraft/backstage-plugin-stagecraft-node';

/** A page of a LIST, as the API server returns it (items are raw JSON). */
export type ListPage = ClusterListPage;

/**
 * How a reflector talks to the API server: the gateway's watch transport
 * (`ClusterGateway.watchTransport`), replaced in tests.
 */
export type ReflectorTransport = ClusterWatchTransport;

/** What a reflector delivers: projected objects only. */
export interface ReflectorHandlers<T> {
  /** The whole collection after a (re)list; replaces what was there. */
  replace(items: T[]): void;
  /** One change seen by the watch. */
  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', item: T): void;
}

export interface ReflectorStats {
  lists: number;
  listPages: number;
  watches: number;
  /** Watches resumed from the last resourceVersion after a drop. */
  resumes: number;
  /** Relists after 410 Gone (the resourceVersion left the API server's window). */
  relists: number;
  events: number;
  bookmarks: number;
  resourceVersion?: string;
}

const statusOf = (e: unknown) =>
  (e as { statusCode?: number; code?: number } | undefined)?.statusCode ??
  (e as { code?: number } | undefined)?.code;

/**
 * List-then-watch for one collection, like client-go's reflector: the
 * initial LIST is paginated (`limit` + `continue`, one consistent snapshot),
 * each item is projected as soon as its page arrives (the raw page is then
 * garbage), the WATCH starts from the list's resourceVersion with bookmarks,
 * and
 *  - a watch that ends (server timeout, network drop, API server restart) is
 *    resumed from the last resourceVersion seen (event or bookmark), so no
 *    event is lost and nothing is listed again;
 *  - 410 Gone (that resourceVersion is no longer in the server's window, on
 *    the watch or on a list's continue token) relists from scratch and
 *    replaces the collection;
 *  - errors retry with exponential backoff (0.5 s → 30 s, reset on success).
 */
export class Reflector<T> {
  private rv: string | undefined;
  private abortWatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private delay: number;
  private readonly stats: ReflectorStats = {
    lists: 0,
    listPages: 0,
    watches: 0,
    resumes: 0,
    relists: 0,
    events: 0,
    bookmarks: 0,
  };

  constructor(
    private readonly options: {
      path: string;
      labelSelector?: string;
      transport: ReflectorTransport;
      project: (raw: any) => T;
      handlers: ReflectorHandlers<T>;
      pageSize?: number;
      /** Server-side watch timeout; randomised in [min, 2×min) like client-go. */
      watchTimeoutSeconds?: number;
      initialBackoffMs?: number;
      maxBackoffMs?: number;
      onError?: (what: string, err: unknown, retryInMs: number) => void;
      /** Called after every successful (re)list. */
      onSynced?: (count: number) => void;
    },
  ) {
    this.delay = options.initialBackoffMs ?? 500;
  }

  /** Lists once (resolves when that list is in, or failed and a retry is scheduled), then watches. */
  async start(): Promise<void> {
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abortWatch?.();
    this.abortWatch = undefined;
  }

  getStats(): ReflectorStats {
    return { ...this.stats, resourceVersion: this.rv };
  }

  private backoff(what: string, err: unknown, then: () => void) {
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxBackoffMs ?? 30_000);
    this.options.onError?.(what, err, wait);
    this.schedule(then, wait);
  }

  private schedule(fn: () => void, ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) fn();
    }, ms);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    const { transport, path, labelSelector, project, pageSize } = this.options;
    this.stats.lists++;
    try {
      const items: T[] = [];
      let cont: string | undefined;
      let rv: string | undefined;
      do {
        const page = await transport.list(path, {
          ...(labelSelector && { labelSelector }),
          // 250: at 50k Pods as fast as 500 and half the added RSS (the
          // parsed page is the garbage that outlives young-generation GCs;
          // bench/RESULTS.md, round two)
          limit: pageSize ?? 250,
          ...(cont && { continue: cont }),
        });
        this.stats.listPages++;
        for (const raw of page.items) items.push(project(raw));
        rv ??= page.metadata?.resourceVersion;
        cont = page.metadata?.continue || undefined;
      } while (cont && !this.stopped);
      if (this.stopped) return;
      this.rv = rv;
      this.delay = this.options.initialBackoffMs ?? 500;
      this.options.handlers.replace(items);
      this.options.onSynced?.(items.length);
      this.watch();
    } catch (e) {
      // includes 410 on an expired continue token: list again from scratch
      this.backoff('list', e, () => void this.relist());
    }
  }

  private watch() {
    if (this.stopped) return;
    const { transport, path, labelSelector, project, handlers } = this.options;
    const min = this.options.watchTimeoutSeconds ?? 300;
    let gone = false;
    let sawEvent = false;
    let finished = false;
    this.stats.watches++;
    const onDone = (err?: unknown) => {
      if (finished) return;
      finished = true;
      this.abortWatch = undefined;
      if (this.stopped) return;
      if (gone || statusOf(err) === 410) {
        this.stats.relists++;
        this.options.onError?.('watch', err ?? new Error('410 Gone'), 0);
        this.schedule(() => void this.relist(), 0);
        return;
      }
      this.stats.resumes++;
      if (err && !sawEvent) {
        this.backoff('watch', err, () => this.watch());
      } else {
        // a normal close (or a drop after progress): resume at once
        if (sawEvent) this.delay = this.options.initialBackoffMs ?? 500;
        this.schedule(() => this.watch(), 0);
      }
    };
    transport
      .watch(
        path,
        {
          ...(labelSelector && { labelSelector }),
          ...(this.rv && { resourceVersion: this.rv }),
          allowWatchBookmarks: true,
          timeoutSeconds: min + Math.floor(Math.random() * min),
        },
        (type, object) => {
          if (finished) return;
          sawEvent = true;
          const rv = object?.metadata?.resourceVersion as string | undefined;
          switch (type) {
            case 'ADDED':
            case 'MODIFIED':
            case 'DELETED':
              this.stats.events++;
              if (rv) this.rv = rv;
              handlers.apply(type, project(object));
              break;
            case 'BOOKMARK':
              this.stats.bookmarks++;
              if (rv) this.rv = rv;
              break;
            case 'ERROR':
              if (statusOf(object) === 410) gone = true;
              this.abortWatch?.();
              onDone(
                Object.assign(new Error(object?.message ?? 'watch error'), {
                  statusCode: statusOf(object),
                }),
              );
              break;
            default:
          }
        },
        onDone,
      )
      .then(
        abort => {
          if (finished || this.stopped) abort();
          else this.abortWatch = abort;
        },
        e => onDone(e),
      );
  }
}

/** How a watcher reaches a cluster: its KubeConfig, or a transport instead (tests). */
export interface ClusterAccess {
  kc?: KubeConfig;
  /** Instead of a kubeconfig (tests). */
  transport?: ReflectorTransport;
}

/** A cluster a watcher follows, by name. */
export interface WatchedCluster extends ClusterAccess {
  name: string;
}

/** What a watcher passes on to each of its reflectors. */
export interface WatchTiming {
  watchTimeoutSeconds?: number;
  initialBackoffMs?: number;
}

/** The transport of a watched cluster: the given one, else its KubeConfig's. */
export function transportOf(c: ClusterAccess): ReflectorTransport {
  return c.transport ?? kubeConfigTransport(c.kc!);
}

/**
 * The transport for a cluster of a KubeConfig: LIST with a plain HTTPS
 * request parsed once into JSON (no client-node model classes, no Date
 * conversion of 50k objects), WATCH with client-node's Watch.
 */
export function kubeConfigTransport(kc: KubeConfig): ReflectorTransport {
  const watcher = new Watch(kc);
  // connection options (TLS agent, credentials) are reused for a minute, so
  // the pages of a LIST share TLS sessions; credentials still refresh
  let connection: { at: number; opts: https.RequestOptions } | undefined;
  const connect = async () => {
    if (!connection || Date.now() - connection.at > 60_000) {
      const opts: https.RequestOptions = { headers: {} };
      await kc.applyToHTTPSOptions(opts);
      const agent = opts.agent as https.Agent | undefined;
      if (agent) {
        // keep the connection between pages
        (agent as any).keepAlive = true;
        (agent as any).options = { ...(agent as any).options, keepAlive: true };
      }
      connection = { at: Date.now(), opts };
    }
    return connection.opts;
  };
  return {
    async list(path, query) {
      const server = kc.getCurrentCluster()?.server;
      if (!server) throw new Error('no current cluster in the kubeconfig');
      const url = new URL(server.replace(/\/$/, '') + path);
      for (const [k, v] of Object.entries(query)) {
        url.searchParams.set(k, String(v));
      }
      const opts = await connect();
      const lib = url.protocol === 'http:' ? http : https;
      return new Promise<ListPage>((resolve, reject) => {
        const req = lib.request(
          url,
          {
            ...opts,
            method: 'GET',
            headers: { ...opts.headers, Accept: 'application/json' },
          },
          res => {
            // decoded as it arrives: the page lives in V8's heap only (no
            // large Buffer.concat copies fragmenting the native heap)
            res.setEncoding('utf8');
            let body = '';
            res.on('data', (c: string) => {
              body += c;
            });
            res.on('error', reject);
            res.on('end', () => {
              if ((res.statusCode ?? 0) >= 300) {
                // refused credentials: the next try reads them afresh
                if (res.statusCode === 401) connection = undefined;
                let message = body.slice(0, 300);
                try {
                  message = JSON.parse(body).message ?? message;
                } catch {
                  // not JSON
                }
                reject(
                  Object.assign(
                    new Error(`LIST ${path}: ${res.statusCode} ${message}`),
                    { statusCode: res.statusCode },
                  ),
                );
                return;
              }
              try {
                resolve(JSON.parse(body));
              } catch (e) {
                reject(e);
              }
            });
          },
        );
        req.setTimeout(60_000, () =>
          req.destroy(new Error(`LIST ${path}: timed out`)),
        );
        req.on('error', reject);
        req.end();
      });
    },
    async watch(path, query, onEvent, onDone) {
      const controller = await watcher.watch(path, query, onEvent, onDone);
      return () => controller.abort();
    },
  };
}
