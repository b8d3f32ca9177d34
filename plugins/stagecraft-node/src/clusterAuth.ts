import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';

/**
 * Adds auth strategies to Stagecraft's cluster access: the very
 * `AuthenticationStrategy` objects a module gives Backstage's Kubernetes
 * backend through `kubernetesAuthStrategyExtensionPoint`, so one strategy
 * serves both plugins (a module per plugin, the same object). A cluster whose
 * `authProvider` (or catalog annotation `kubernetes.io/auth-provider`) is
 * `key` gets its credentials from `strategy.getCredential(cluster, {})`:
 * Stagecraft asks without a user's token, it acts as its own identity.
 *
 * @public
 */
export interface StagecraftClusterAuthExtensionPoint {
  addAuthStrategy(key: string, strategy: AuthenticationStrategy): void;
}

/** @public */
export const stagecraftClusterAuthExtensionPoint =
  createExtensionPoint<StagecraftClusterAuthExtensionPoint>({
    id: 'stagecraft.cluster-auth',
  });
