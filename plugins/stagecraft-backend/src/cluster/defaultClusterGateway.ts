import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import type { AuthStrategies } from './clusterAuth';
import { readClusterSettings } from './clusterConfig';
import { KubernetesClusterGateway } from './KubernetesClusterGateway';

/**
 * The auth strategies of Backstage's Kubernetes backend, by authProvider,
 * each made on first use (so an unused cloud SDK never reads its
 * environment). `serviceAccount` clusters are served by Stagecraft's own
 * token / token file handling, which re-reads rotated files.
 */
export function backstageAuthStrategies(options: {
  config: Config;
  logger: LoggerService;
}): AuthStrategies {
  const { config, logger } = options;
  const factories: Record<string, () => AuthenticationStrategy> = {
    aks: () => new AksStrategy(),
    aws: () => new AwsIamStrategy({ config }),
    azure: () => new AzureIdentityStrategy(logger),
    google: () => new GoogleStrategy(),
    googleServiceAccount: () => new GoogleServiceAccountStrategy({ config }),
    localKubectlProxy: () => new AnonymousStrategy(),
    oidc: () => new OidcStrategy(),
    serviceAccount: () => new ServiceAccountStrategy(),
  };
  const made = new Map<string, AuthenticationStrategy>();
  return {
    get: key => {
      if (!made.has(key) && factories[key]) made.set(key, factories[key]());
      return made.get(key);
    },
  };
}

/**
 * The backend's own cluster gateway: the clusters of admin config through
 * @kubernetes/client-node, with the auth strategies of Backstage's
 * Kubernetes backend (a module may add more). Used unless a module replaces
 * it through `stagecraftClusterGatewayExtensionPoint`.
 */
export function createDefaultClusterGateway(options: {
  config: Config;
  logger: LoggerService;
}): KubernetesClusterGateway {
  const log = options.logger;
  const settings = readClusterSettings(options.config);
  for (const where of settings.ignored) {
    log.warn(
      `Stagecraft does not read the cluster locator ${where}; list those clusters under a config locator (or stagecraft.clusters)`,
    );
  }
  return new KubernetesClusterGateway(settings.clusters, {
    strategies: backstageAuthStrategies({
      config: options.config,
      logger: log,
    }),
    onRetry: e =>
      log.warn(
        `cluster ${e.cluster}: ${e.method} failed (${e.reason}); try ${
          e.attempt + 1
        } in ${Math.round(e.delayMs)} ms`,
      ),
  });
}
