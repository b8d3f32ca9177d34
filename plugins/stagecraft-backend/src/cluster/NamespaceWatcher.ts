import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../domain/ports';
import {
  Reflector,
  transportOf,
  WatchedCluster,
  WatchTiming,
} from './Reflector';

/** What the watcher reports; the domain's EnvironmentFeed implements it. */
export interface NamespaceListener {
  synced(cluster: string, namespaces: KubeObject[]): Promise<void>;
  changed(cluster: string, ns: KubeObject): Promise<void>;
  removed(cluster: string, ns: KubeObject): Promise<void>;
}

const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/**
 * Watches the Stagecraft namespaces of every cluster (a Reflector per
 * cluster: one paginated LIST, then a WATCH with bookmarks resumed from the
 * last resourceVersion when it drops; a relist — reported as `synced` with
 * the full set — only on 410 Gone). One cluster that is down only retries
 * its own reflector, with exponential backoff.
 */
export class NamespaceWatcher {
  private readonly reflectors = new Map<string, Reflector<KubeObject>>();

  constructor(
    private readonly options: WatchTiming & {
      clusters: WatchedCluster[];
      listener: NamespaceListener;
      logger: LoggerService;
    },
  ) {}

  async start(): Promise<void> {
    for (const c of this.options.clusters) this.addCluster(c);
  }

  /** Watches one more cluster (a known one restarts, e.g. with new credentials). */
  addCluster(cluster: WatchedCluster) {
    const { name } = cluster;
    const { listener, logger } = this.options;
    this.removeCluster(name);
    {
      const report = (what: string) => (e: unknown) =>
        logger.warn(`stagecraft watch ${name}: ${what} failed: ${String(e)}`);
      const reflector = new Reflector<KubeObject>({
        path: '/api/v1/namespaces',
        labelSelector: SELECTOR,
        transport: transportOf(cluster),
        watchTimeoutSeconds: this.options.watchTimeoutSeconds,
        initialBackoffMs: this.options.initialBackoffMs,
        project: raw => raw as KubeObject,
        handlers: {
          replace: items => {
            listener.synced(name, items).catch(report('sync'));
          },
          apply: (type, ns) => {
            if (type === 'DELETED') {
              listener.removed(name, ns).catch(report('delete'));
            } else {
              listener.changed(name, ns).catch(report(type.toLowerCase()));
            }
          },
        },
        onError: (what, err, retryInMs) =>
          logger.warn(
            `stagecraft watch ${name}: ${what}: ${String(
              err,
            )}; retrying in ${retryInMs} ms`,
          ),
      });
      this.reflectors.set(name, reflector);
      // do not hold up the backend's start for a slow or unreachable cluster
      reflector.start().catch(report('start'));
    }
  }

  /** Stops watching a cluster (its environments stay as they are). */
  removeCluster(name: string) {
    this.reflectors.get(name)?.stop();
    this.reflectors.delete(name);
  }

  async stop(): Promise<void> {
    for (const name of [...this.reflectors.keys()]) this.removeCluster(name);
  }
}
