import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { CatalogClusters, readCatalogClusterPolicy } from './CatalogClusters';
import { readClusterSettings } from './clusterConfig';
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
  const locator = readClusterSettings(config).catalog;
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
        target: {
          setCluster: c => gateway.setCluster(c),
          removeCluster: name => gateway.removeCluster(name),
          isConfigured: name => {
            const known = gateway.connection(name);
            return !!known && !known.source?.startsWith('catalog');
          },
        },
      });
      catalogClusters.start();
    }
  }
  return {
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
    },
  };
}
