import fs from 'node:fs';
import type https from 'node:https';
import { KubeConfig, User } from '@kubernetes/client-node';
import type {
  AuthenticationStrategy,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import {
  ClusterConnection,
  IN_CLUSTER_DIR,
  USER_TOKEN_PROVIDERS,
} from './clusterConfig';

/** Auth strategies by `authProvider` key (Backstage's defaults and modules'). */
export type AuthStrategies = {
  get(provider: string): AuthenticationStrategy | undefined;
};

const TOKEN_FILE = 'stagecraft-token-file';
const STRATEGY = 'stagecraft-backstage-strategy';

/**
 * A bearer token read from a file and re-read whenever the file changes
 * (mtime or size), so a projected service-account token that the kubelet
 * rotates, or a token an operator writes in place, is used from the next
 * request on. Surrounding whitespace (the newline `kubectl create token`
 * prints) is dropped.
 */
class TokenFileAuthenticator {
  private cached?: { stamp: string; token: string };

  isAuthProvider(user: User) {
    return user.authProvider?.name === TOKEN_FILE;
  }

  async applyAuthentication(user: User, opts: https.RequestOptions) {
    const file = user.authProvider.config.path as string;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (e) {
      throw new Error(
        `token file ${file} cannot be read (${
          (e as NodeJS.ErrnoException).code
        })${
          file.startsWith(IN_CLUSTER_DIR)
            ? ': not running in a pod with a mounted service-account token; set serviceAccountToken, serviceAccountTokenFile, a client certificate or a kubeconfig'
            : ''
        }`,
      );
    }
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    if (this.cached?.stamp !== stamp) {
      this.cached = { stamp, token: fs.readFileSync(file, 'utf8').trim() };
    }
    opts.headers = {
      ...opts.headers,
      Authorization: `Bearer ${this.cached.token}`,
    };
  }

  reset() {
    this.cached = undefined;
  }
}

/**
 * A Backstage Kubernetes auth strategy (from @backstage/plugin-kubernetes-backend
 * or a module) asked for a credential on every new connection, with no user
 * token: Stagecraft acts as its own identity.
 */
class StrategyAuthenticator {
  constructor(
    private readonly details: ClusterDetails,
    private readonly strategies: AuthStrategies,
  ) {}

  isAuthProvider(user: User) {
    return user.authProvider?.name === STRATEGY;
  }

  async applyAuthentication(_user: User, opts: https.RequestOptions) {
    const provider = this.details.authMetadata['kubernetes.io/auth-provider'];
    const strategy = this.strategies.get(provider);
    if (!strategy) {
      throw new Error(
        `no auth strategy "${provider}" (Backstage's are aws, azure, googleServiceAccount, serviceAccount, localKubectlProxy; a backend module adds more through stagecraftClusterAuthExtensionPoint)`,
      );
    }
    let credential;
    try {
      credential = await strategy.getCredential(this.details, {});
    } catch (e) {
      if (USER_TOKEN_PROVIDERS.includes(provider)) {
        throw new Error(userTokenMessage(this.details.name, provider));
      }
      throw e;
    }
    if (credential.type === 'bearer token') {
      opts.headers = {
        ...opts.headers,
        Authorization: `Bearer ${credential.token}`,
      };
    } else if (credential.type === 'x509 client certificate') {
      opts.cert = credential.cert;
      opts.key = credential.key;
    }
  }
}

/** Why a user-token strategy cannot carry Stagecraft's writes, and what to configure. */
export function userTokenMessage(cluster: string, provider: string) {
  return `cluster ${cluster} uses authProvider "${provider}", which signs requests with the signed-in user's own token; Stagecraft writes as its own service identity, so give it one: a stagecraft.clusters entry named "${cluster}" with serviceAccountToken, serviceAccountTokenFile, clientCertData/clientKeyData (or files) or kubeconfig + kubeconfigContext (the URL and CA are taken from the kubernetes entry); see docs/cluster-access.md`;
}

/** The Backstage view of a connection, for its auth strategy. */
function detailsOf(
  c: ClusterConnection,
  provider: string,
  metadata: Record<string, string>,
): ClusterDetails {
  return {
    name: c.name,
    url: c.url,
    authMetadata: { ...metadata, 'kubernetes.io/auth-provider': provider },
    skipTLSVerify: c.skipTLSVerify,
    ...(c.caData && { caData: c.caData }),
    ...(c.caFile && { caFile: c.caFile }),
  };
}

/**
 * Builds the client-node KubeConfig of one cluster; credentials are applied
 * per request by client-node's authenticators (exec plugins, files) and
 * Stagecraft's (token files re-read on change, Backstage strategies).
 */
export function toKubeConfig(
  c: ClusterConnection,
  strategies?: AuthStrategies,
): KubeConfig {
  const kc = new KubeConfig();
  const auth =
    c.auth ??
    (c.serviceAccountToken !== undefined
      ? { type: 'token' as const, token: c.serviceAccountToken }
      : undefined);
  if (auth?.type === 'kubeconfig') {
    kc.loadFromFile(auth.path);
    if (auth.context) {
      if (!kc.getContextObject(auth.context)) {
        throw new Error(
          `cluster ${c.name}: kubeconfig ${auth.path} has no context "${auth.context}"`,
        );
      }
      kc.setCurrentContext(auth.context);
    }
    const current = kc.getCurrentCluster();
    if (!current) {
      throw new Error(
        `cluster ${c.name}: kubeconfig ${auth.path} has no current context`,
      );
    }
    if (c.url && c.url !== current.server) {
      // the admin's URL wins over the kubeconfig's (e.g. a private endpoint)
      (current as { server: string }).server = c.url;
    }
    return kc;
  }
  let user: Record<string, unknown> = { name: 'stagecraft' };
  if (auth?.type === 'token') user.token = auth.token;
  if (auth?.type === 'tokenFile') {
    user.authProvider = { name: TOKEN_FILE, config: { path: auth.path } };
    kc.addAuthenticator(new TokenFileAuthenticator());
  }
  if (auth?.type === 'clientCertificate') {
    user = {
      ...user,
      ...(auth.certData && { certData: auth.certData }),
      ...(auth.keyData && { keyData: auth.keyData }),
      ...(auth.certFile && { certFile: auth.certFile }),
      ...(auth.keyFile && { keyFile: auth.keyFile }),
    };
  }
  if (auth?.type === 'strategy') {
    user.authProvider = { name: STRATEGY, config: {} };
    kc.addAuthenticator(
      new StrategyAuthenticator(
        detailsOf(c, auth.provider, auth.authMetadata),
        strategies ?? { get: () => undefined },
      ),
    );
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: c.name,
        server: c.url,
        caData: c.caData,
        caFile: c.caFile,
        skipTLSVerify: c.skipTLSVerify,
      },
    ],
    users: [user],
    contexts: [{ name: c.name, cluster: c.name, user: 'stagecraft' }],
    currentContext: c.name,
  });
  return kc;
}

/**
 * Forgets the credentials client-node cached for a KubeConfig (an exec
 * plugin's token until its expirationTimestamp, a token file's contents),
 * after the API server refused them (401): the next request asks again.
 */
export function forgetCredentials(kc: KubeConfig) {
  for (const a of [
    ...((kc as any).authenticators ?? []),
    ...((kc as any).custom_authenticators ?? []),
  ]) {
    if (a && typeof a === 'object' && 'tokenCache' in a) a.tokenCache = {};
    if (a instanceof TokenFileAuthenticator) a.reset();
  }
}

/** How a cluster authenticates, for /health and logs (never a secret). */
export function describeAuth(c: ClusterConnection): string {
  if (!c.auth) return c.serviceAccountToken ? 'serviceAccountToken' : 'none';
  switch (c.auth.type) {
    case 'token':
      return 'serviceAccountToken';
    case 'tokenFile':
      return c.auth.path === `${IN_CLUSTER_DIR}/token`
        ? 'in-cluster service account'
        : 'serviceAccountTokenFile';
    case 'clientCertificate':
      return 'client certificate';
    case 'kubeconfig':
      return `kubeconfig${
        c.auth.context ? ` (context ${c.auth.context})` : ''
      }`;
    default:
      return `authProvider ${c.auth.provider}`;
  }
}
