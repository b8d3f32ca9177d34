import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';
import { GkeLocatorOptions, readGkeLocator } from './GkeClusters';

/** Where a pod's mounted service-account credentials live (in-cluster). */
export const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * How Stagecraft's own identity authenticates to one cluster. Stagecraft
 * writes as itself, never as the browsing user.
 */
export type ClusterAuth =
  /** A static bearer token (`serviceAccountToken`). */
  | { type: 'token'; token: string }
  /**
   * A token file, re-read when it changes (`serviceAccountTokenFile`; the
   * mounted token of the pod when Backstage runs in the cluster).
   */
  | { type: 'tokenFile'; path: string }
  /** A client certificate (base64 PEM data, or files re-read per connection). */
  | {
      type: 'clientCertificate';
      certData?: string;
      keyData?: string;
      certFile?: string;
      keyFile?: string;
    }
  /** A kubeconfig file and context (exec credential plugins, auth providers). */
  | { type: 'kubeconfig'; path: string; context?: string }
  /**
   * A Backstage Kubernetes auth strategy (`aws`, `azure`, `googleServiceAccount`,
   * or one a module adds) with the cluster's auth metadata.
   */
  | {
      type: 'strategy';
      provider: string;
      authMetadata: Record<string, string>;
    };

/** Connection details of one cluster, from admin config or an admin-owned catalog entity. */
export interface ClusterConnection {
  name: string;
  /** API server URL; taken from the kubeconfig when `auth` is one and this is unset. */
  url: string;
  /** Absent: no credentials (anonymous), unless `serviceAccountToken` is set. */
  auth?: ClusterAuth;
  /** Shorthand of `auth: { type: 'token' }` (tests, older callers). */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  /** Time budget of one call to this cluster, retries included (ms). */
  timeoutMs?: number;
  /** Where it was found: `stagecraft.clusters`, `kubernetes.clusterLocatorMethods[i]`, `catalog`. */
  source?: string;
}

/** Strategies that sign requests with the browsing user's token (not usable for Stagecraft's writes). */
export const USER_TOKEN_PROVIDERS = ['oidc', 'google', 'aks'];

/** The auth keys of a cluster entry (both config shapes accept them). */
function readAuth(
  c: Config,
  where: string,
  name: string,
): ClusterAuth | undefined {
  const token = c.getOptionalString('serviceAccountToken');
  const tokenFile = c.getOptionalString('serviceAccountTokenFile');
  const cert = {
    certData: c.getOptionalString('clientCertData'),
    keyData: c.getOptionalString('clientKeyData'),
    certFile: c.getOptionalString('clientCertFile'),
    keyFile: c.getOptionalString('clientKeyFile'),
  };
  const kubeconfig = c.getOptionalString('kubeconfig');
  const hasCert = Object.values(cert).some(Boolean);
  const given = [
    token && 'serviceAccountToken',
    tokenFile && 'serviceAccountTokenFile',
    hasCert && 'clientCert*',
    kubeconfig && 'kubeconfig',
  ].filter(Boolean);
  if (given.length > 1) {
    throw new InputError(
      `${where} (cluster ${name}) sets ${given.join(
        ' and ',
      )}; give one credential`,
    );
  }
  if (token) return { type: 'token', token };
  if (tokenFile) return { type: 'tokenFile', path: tokenFile };
  if (hasCert) {
    if (!(cert.certData || cert.certFile) || !(cert.keyData || cert.keyFile)) {
      throw new InputError(
        `${where} (cluster ${name}) needs a client certificate and its key (clientCertData/clientCertFile and clientKeyData/clientKeyFile)`,
      );
    }
    return { type: 'clientCertificate', ...cert };
  }
  if (kubeconfig) {
    return {
      type: 'kubeconfig',
      path: kubeconfig,
      context: c.getOptionalString('kubeconfigContext'),
    };
  }
  return undefined;
}

function readTimeout(c: Config, where: string) {
  const timeoutSeconds = c.getOptionalNumber('timeoutSeconds');
  if (
    timeoutSeconds !== undefined &&
    !(timeoutSeconds > 0 && timeoutSeconds <= 600)
  ) {
    throw new InputError(
      `${where}.timeoutSeconds must be a number of seconds from 0 to 600, got ${timeoutSeconds}`,
    );
  }
  return timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined;
}

function checkName(name: string, where: string) {
  const nameError = validateDnsLabel(name, `${where}.name`);
  if (nameError) throw new InputError(nameError.message);
}

function checkUrl(url: string, where: string) {
  if (!/^https?:\/\//.test(url)) {
    throw new InputError(`${where}.url must be an http(s) URL, got "${url}"`);
  }
}

/** Backstage's own auth metadata keys of a config cluster (ConfigClusterLocator's). */
function backstageAuthMetadata(c: Config, provider: string) {
  const metadata: Record<string, string> = {
    'kubernetes.io/auth-provider': provider,
  };
  const keys: Record<string, string> = {
    assumeRole: 'kubernetes.io/aws-assume-role',
    externalId: 'kubernetes.io/aws-external-id',
    oidcTokenProvider: 'kubernetes.io/oidc-token-provider',
  };
  for (const [key, annotation] of Object.entries(keys)) {
    const v = c.getOptionalString(key);
    if (v) metadata[annotation] = v;
  }
  const block = c.getOptional<Record<string, string>>('authMetadata');
  return { ...metadata, ...block };
}

/** One entry of `kubernetes.clusterLocatorMethods[type=config].clusters`. */
function readKubernetesCluster(c: Config, where: string): ClusterConnection {
  const name = c.getString('name');
  checkName(name, where);
  const url = c.getString('url');
  checkUrl(url, where);
  const provider =
    c.getOptional<Record<string, string>>('authMetadata')?.[
      'kubernetes.io/auth-provider'
    ] ?? c.getOptionalString('authProvider');
  if (!provider) {
    throw new InputError(
      `${where} (cluster ${name}) has no authProvider (serviceAccount, aws, azure, googleServiceAccount, oidc, google, …)`,
    );
  }
  const own = readAuth(c, where, name);
  let auth: ClusterAuth;
  if (provider === 'serviceAccount') {
    // a token, a token file, or the pod's own mounted token (in-cluster)
    auth = own ?? { type: 'tokenFile', path: `${IN_CLUSTER_DIR}/token` };
  } else {
    auth = own ?? {
      type: 'strategy',
      provider,
      authMetadata: backstageAuthMetadata(c, provider),
    };
  }
  const inCluster =
    auth.type === 'tokenFile' && auth.path === `${IN_CLUSTER_DIR}/token`;
  const caData = c.getOptionalString('caData');
  const caFile =
    c.getOptionalString('caFile') ??
    (inCluster && !caData ? `${IN_CLUSTER_DIR}/ca.crt` : undefined);
  const timeoutMs = readTimeout(c, where);
  return {
    name,
    url,
    auth,
    caData,
    caFile,
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    ...(timeoutMs && { timeoutMs }),
    source: where,
  };
}

/**
 * One entry of `stagecraft.clusters`: Stagecraft's own identity on a cluster.
 * `url` may be left out when a `kubernetes` cluster of the same name (or the
 * kubeconfig) gives it; the two are then one cluster.
 */
function readStagecraftCluster(
  c: Config,
  where: string,
  known: ClusterConnection | undefined,
): ClusterConnection {
  const name = c.getString('name');
  checkName(name, where);
  const own = readAuth(c, where, name);
  const url = c.getOptionalString('url') ?? known?.url ?? '';
  if (url || own?.type !== 'kubeconfig') checkUrl(url, where);
  const provider = c.getOptionalString('authProvider');
  const auth =
    own ??
    (provider === 'serviceAccount' || !provider
      ? { type: 'tokenFile' as const, path: `${IN_CLUSTER_DIR}/token` }
      : {
          type: 'strategy' as const,
          provider,
          authMetadata: backstageAuthMetadata(c, provider),
        });
  const timeoutMs = readTimeout(c, where) ?? known?.timeoutMs;
  const caData = c.getOptionalString('caData') ?? known?.caData;
  const inCluster =
    auth.type === 'tokenFile' && auth.path === `${IN_CLUSTER_DIR}/token`;
  return {
    name,
    url,
    auth,
    caData,
    caFile:
      c.getOptionalString('caFile') ??
      known?.caFile ??
      (inCluster && !caData ? `${IN_CLUSTER_DIR}/ca.crt` : undefined),
    skipTLSVerify:
      c.getOptionalBoolean('skipTLSVerify') ?? known?.skipTLSVerify ?? false,
    ...(timeoutMs && { timeoutMs }),
    source: known ? `${where} + ${known.source}` : where,
  };
}

/** What `kubernetes.clusterLocatorMethods[type=catalog]` asks of Stagecraft. */
export interface CatalogLocatorOptions {
  where: string;
}

export interface ClusterSettings {
  /** Clusters of admin config, in configuration order. */
  clusters: ClusterConnection[];
  /** Set when a `catalog` locator is configured. */
  catalog?: CatalogLocatorOptions;
  /** The `gke` locators (their clusters are listed at runtime by GkeClusters). */
  gke: GkeLocatorOptions[];
  /** Locator types Stagecraft does not read (reported at startup). */
  ignored: string[];
}

/**
 * Reads the clusters Stagecraft may use: every cluster of
 * `kubernetes.clusterLocatorMethods` (`config`, `localKubectlProxy`; the
 * `catalog` and `gke` locators are read at runtime by CatalogClusters and
 * GkeClusters) — the block the
 * stock Kubernetes plugin reads, so one list serves both — and
 * `stagecraft.clusters`, for Stagecraft-only clusters or Stagecraft's own
 * identity on a cluster of the `kubernetes` block (same name: one cluster).
 */
export function readClusterSettings(config: Config): ClusterSettings {
  const byName = new Map<string, ClusterConnection>();
  const ignored: string[] = [];
  let catalog: CatalogLocatorOptions | undefined;
  const gke: GkeLocatorOptions[] = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  methods.forEach((m, i) => {
    const where = `kubernetes.clusterLocatorMethods[${i}]`;
    const type = m.getString('type');
    if (type === 'config') {
      (m.getOptionalConfigArray('clusters') ?? []).forEach((c, j) => {
        const cluster = readKubernetesCluster(c, `${where}.clusters[${j}]`);
        if (byName.has(cluster.name)) {
          throw new InputError(
            `cluster name "${cluster.name}" is configured twice`,
          );
        }
        byName.set(cluster.name, cluster);
      });
    } else if (type === 'localKubectlProxy') {
      // as Backstage's LocalKubectlProxyClusterLocator: `kubectl proxy` on :8001
      byName.set('local', {
        name: 'local',
        url: 'http://localhost:8001',
        auth: {
          type: 'strategy',
          provider: 'localKubectlProxy',
          authMetadata: {},
        },
        skipTLSVerify: true,
        source: where,
      });
    } else if (type === 'catalog') {
      catalog = { where };
    } else if (type === 'gke') {
      gke.push(readGkeLocator(m, where));
    } else {
      ignored.push(`${where} (type ${type})`);
    }
  });
  const seen = new Set<string>();
  (config.getOptionalConfigArray('stagecraft.clusters') ?? []).forEach(
    (c, i) => {
      const where = `stagecraft.clusters[${i}]`;
      const name = c.getString('name');
      if (seen.has(name)) {
        throw new InputError(`cluster name "${name}" is configured twice`);
      }
      seen.add(name);
      byName.set(name, readStagecraftCluster(c, where, byName.get(name)));
    },
  );
  return { clusters: [...byName.values()], catalog, gke, ignored };
}

/** The clusters of admin config (see readClusterSettings). */
export function readClusterConnections(config: Config): ClusterConnection[] {
  return readClusterSettings(config).clusters;
}

/** What /health names when no cluster is configured. */
export const CLUSTER_CONFIG_KEYS =
  'kubernetes.clusterLocatorMethods (or stagecraft.clusters)';
