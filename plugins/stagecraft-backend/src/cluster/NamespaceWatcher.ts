import {
  ADD,
  CONNECT,
  CoreV1Api,
  DELETE,
  ERROR,
  Informer,
  KubeConfig,
  makeInformer,
  ObjectCache,
  UPDATE,
  V1Namespace,
} from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../domain/ports';

/** What the watcher reports; the domain's EnvironmentFeed implements it. */
export interface NamespaceListener {
  synced(cluster: string, namespaces: KubeObject[]): Promise<void>;
  changed(cluster: string, ns: KubeObject): Promise<void>;
  removed(cluster: string, ns: KubeObject): Promise<void>;
}

const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/**
 * Watches the Stagecraft namespaces of every cluster with client-node
 * informers (one LIST, then a WATCH resumed from the last resourceVersion;
 * a relist only after the informer says the watch broke). One cluster that is
 * down only restarts its own informer, with exponential backoff.
 */
export class NamespaceWatcher {
  private readonly informers = new Map<
    string,
    Informer<V1Namespace> & ObjectCache<V1Namespace>
  >();
  private stopped = false;

  constructor(
    private readonly options: {
      clusters: Array<{ name: string; kc: KubeConfig }>;
      listener: NamespaceListener;
      logger: LoggerService;
    },
  ) {}

  async start(): Promise<void> {
    for (const { name, kc } of this.options.clusters) {
      const core = kc.makeApiClient(CoreV1Api);
      const informer = makeInformer<V1Namespace>(
        kc,
        '/api/v1/namespaces',
        () => core.listNamespace({ labelSelector: SELECTOR }),
        SELECTOR,
      );
      const { listener, logger } = this.options;
      const report = (what: string) => (e: unknown) =>
        logger.warn(`stagecraft watch ${name}: ${what} failed: ${String(e)}`);
      informer.on(ADD, ns =>
        listener.changed(name, ns as KubeObject).catch(report('add')),
      );
      informer.on(UPDATE, ns =>
        listener.changed(name, ns as KubeObject).catch(report('update')),
      );
      informer.on(DELETE, ns =>
        listener.removed(name, ns as KubeObject).catch(report('delete')),
      );
      informer.on(CONNECT, () => {
        listener
          .synced(name, informer.list() as KubeObject[])
          .catch(report('sync'));
      });
      let delay = 1000;
      informer.on(ERROR, err => {
        if (this.stopped) return;
        logger.warn(
          `stagecraft watch ${name}: ${String(err)}; restarting in ${delay} ms`,
        );
        setTimeout(() => {
          if (!this.stopped) informer.start().catch(report('restart'));
        }, delay);
        delay = Math.min(delay * 2, 30_000);
      });
      this.informers.set(name, informer);
      informer
        .start()
        .then(() => {
          delay = 1000;
          return listener.synced(name, informer.list() as KubeObject[]);
        })
        .catch(report('start'));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map(i => i.stop()));
  }
}
