import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { CatalogClusters, readCatalogClusterPolicy } from './CatalogClusters';
import { readClusterSettings } from './clusterConfig';
import {
  GkeClusterLister,
  GkeClusters,
  googleContainerLister,
} from './GkeClusters';
import type { KubernetesClusterGateway } from './KubernetesClusterGateway';
import type { NamespaceWatcher } from './NamespaceWatcher';

/** What follows the gateway's clusters: the watch cache (and, adapted, the namespace watcher). */
export interface ClusterWatcher {
  addCluster(name: string, c: { kc: KubeConfig }): unknown;
  removeCluster(name: string): unknown;
}

/**
 * Cluster access beyond static config: auth strategies of backend modules,
 * clusters located in the catalog, and the watches following every cluster
 * added, re-authenticated or dropped at runtime.
 */
export function startClusterAccess(options: {
  config: Config;
  logger: LoggerService;
  gateway: KubernetesClusterGateway;
  catalog: CatalogService;
  auth: AuthService;
  strategies: Map<string, AuthenticationStrategy>;
  watchers: ClusterWatcher[];
  /** How `gke` locators list clusters (default: the GKE API). */
  gkeLister?: GkeClusterLister;
  /** How often `gke` locators are listed again (default 60 s). */
  gkeRefreshMs?: number;
}) {
  const { config, logger, gateway } = options;
  for (const [key, strategy] of options.strategies) {
    gateway.addAuthStrategy(key, strategy);
  }
  const watchers = [...options.watchers];
  const unsubscribe = gateway.onClustersChanged(change => {
    for (const w of watchers) {
      try {
        if (change.type === 'removed') w.removeCluster(change.name);
        else
          Promise.resolve(w.addCluster(change.name, { kc: change.kc })).catch(
            e => logger.warn(`stagecraft watch ${change.name}: ${e}`),
          );
      } catch (e) {
        logger.warn(`stagecraft watch ${change.name}: ${e}`);
      }
    }
    logger.info(`stagecraft cluster ${change.name} ${change.type}`);
  });
  const settings = readClusterSettings(config);
  const locator = settings.catalog;
  /** Admin config names (not catalog or GKE ones): those entries win. */
  const isConfigured = (name: string) => {
    const known = gateway.connection(name);
    return (
      !!known &&
      !known.source?.startsWith('catalog') &&
      !known.source?.includes('(gke ')
    );
  };
  const target = {
    setCluster: (c: Parameters<typeof gateway.setCluster>[0]) =>
      gateway.setCluster(c),
    removeCluster: (name: string) => gateway.removeCluster(name),
    isConfigured,
  };
  const gkeClusters = settings.gke.length
    ? new GkeClusters({
        locators: settings.gke,
        lister: options.gkeLister ?? googleContainerLister(),
        logger,
        refreshMs: options.gkeRefreshMs ?? 60_000,
        target,
      })
    : undefined;
  gkeClusters?.start();
  let catalogClusters: CatalogClusters | undefined;
  if (locator) {
    const policy = readCatalogClusterPolicy(config, locator.where);
    if (policy.allowedOwners.length === 0) {
      logger.warn(
        `Stagecraft ignores the catalog cluster locator (${locator.where}): set stagecraft.catalogClusters.allowedOwners (e.g. group:default/platform) to say whose kubernetes-cluster Resources are clusters`,
      );
    } else {
      catalogClusters = new CatalogClusters({
        catalog: options.catalog,
        auth: options.auth,
        logger,
        policy,
        target,
      });
      catalogClusters.start();
    }
  }
  return {
    /** One pass of the gke locators now, besides their timer. */
    async refreshGke() {
      await gkeClusters?.refresh();
    },
    /** The namespace watcher follows the clusters too. */
    watch(watcher: NamespaceWatcher) {
      watchers.push({
        addCluster: (name, c) => watcher.addCluster({ name, kc: c.kc }),
        removeCluster: name => watcher.removeCluster(name),
      });
    },
    stop() {
      unsubscribe();
      catalogClusters?.stop();
      gkeClusters?.stop();
    },
  };
}
