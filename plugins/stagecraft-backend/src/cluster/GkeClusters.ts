import { createRequire } from 'node:module';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ClusterConnection } from './clusterConfig';
import { ClusterTarget, RefreshLoop } from './clusterTarget';

/**
 * A `kubernetes.clusterLocatorMethods` entry of type `gke`, with the fields
 * (and defaults) of Backstage's GkeClusterLocator.
 */
export interface GkeLocatorOptions {
  where: string;
  projectId: string;
  /** `-`: every location of the project. */
  region: string;
  /** `google` (the user's token: the tab) or `googleServiceAccount` (the backend's). */
  authProvider: 'google' | 'googleServiceAccount';
  matchingResourceLabels: Array<{ key: string; value: string }>;
  exposeDashboard: boolean;
  skipTLSVerify: boolean;
  skipMetricsLookup: boolean;
  endpointType: 'public' | 'dns';
}

/** Reads and checks one `gke` locator (a bad one stops the backend at start, naming the key). */
export function readGkeLocator(m: Config, where: string): GkeLocatorOptions {
  const projectId = m.getOptionalString('projectId');
  if (!projectId) {
    throw new InputError(`${where} (type gke) needs projectId`);
  }
  const authProvider = m.getOptionalString('authProvider') ?? 'google';
  if (authProvider !== 'google' && authProvider !== 'googleServiceAccount') {
    throw new InputError(
      `${where}.authProvider must be google or googleServiceAccount, got "${authProvider}"`,
    );
  }
  const endpointType = m.getOptionalString('endpointType') ?? 'public';
  if (endpointType !== 'public' && endpointType !== 'dns') {
    throw new InputError(
      `${where}.endpointType must be public or dns, got "${endpointType}"`,
    );
  }
  return {
    where,
    projectId,
    region: m.getOptionalString('region') ?? '-',
    authProvider,
    matchingResourceLabels: (
      m.getOptionalConfigArray('matchingResourceLabels') ?? []
    ).map(l => ({ key: l.getString('key'), value: l.getString('value') })),
    exposeDashboard: m.getOptionalBoolean('exposeDashboard') ?? false,
    skipTLSVerify: m.getOptionalBoolean('skipTLSVerify') ?? false,
    skipMetricsLookup: m.getOptionalBoolean('skipMetricsLookup') ?? false,
    endpointType,
  };
}

/** The fields Stagecraft reads of a GKE cluster (google.container.v1.ICluster). */
export interface GkeCluster {
  name?: string | null;
  endpoint?: string | null;
  resourceLabels?: Record<string, string> | null;
  masterAuth?: { clusterCaCertificate?: string | null } | null;
  controlPlaneEndpointsConfig?: {
    dnsEndpointConfig?: { endpoint?: string | null } | null;
  } | null;
}

/** How clusters are listed: the GKE API's ListClusters of `projects/P/locations/L`. */
export interface GkeClusterLister {
  listClusters(parent: string): Promise<GkeCluster[]>;
}

/** `@google-cloud/container`'s v1 ClusterManagerClient, from the Kubernetes backend's dependencies. */
export function clusterManagerClientClass(): new (options: object) => any {
  const fromKubernetesBackend = createRequire(
    require.resolve('@backstage/plugin-kubernetes-backend'),
  );
  return fromKubernetesBackend('@google-cloud/container').v1
    .ClusterManagerClient;
}

/**
 * The GKE API through `@google-cloud/container`'s ClusterManagerClient, the
 * client Backstage's Kubernetes backend depends on (resolved from there,
 * since Stagecraft does not depend on it itself), made on first use with the
 * backend's Application Default Credentials.
 */
export function googleContainerLister(): GkeClusterLister {
  let client:
    | { listClusters(r: { parent: string }): Promise<[{ clusters?: any[] }]> }
    | undefined;
  return {
    async listClusters(parent) {
      if (!client) {
        const ClusterManagerClient = clusterManagerClientClass();
        client = new ClusterManagerClient({
          libName: 'stagecraft/GkeClusters',
        });
      }
      const [response] = await client!.listClusters({ parent });
      return response.clusters ?? [];
    },
  };
}

/**
 * Clusters of `gke` locators, kept in the gateway at runtime as Backstage's
 * GkeClusterLocator lists them (project, region, resource labels, endpoint
 * type), read again every `refreshMs`: a new cluster is added, a changed one
 * re-authenticated, one no longer listed dropped. Unlike Backstage's locator,
 * the cluster's CA (masterAuth.clusterCaCertificate) is used. A failed
 * listing keeps what was known. A name also configured in app-config is the
 * admin's entry (which then needs its own url).
 */
export class GkeClusters {
  private readonly known = new Map<string, Set<string>>();

  constructor(
    private readonly options: {
      locators: GkeLocatorOptions[];
      lister: GkeClusterLister;
      logger: LoggerService;
      refreshMs: number;
      target: ClusterTarget;
    },
  ) {}

  private loop?: RefreshLoop;

  start() {
    this.loop = new RefreshLoop(
      () => this.refresh(),
      this.options.refreshMs,
      e => this.options.logger.warn(`stagecraft gke clusters: ${e}`),
    );
    this.loop.start();
  }

  stop() {
    this.loop?.stop();
  }

  /** One pass over every gke locator. */
  async refresh(): Promise<void> {
    for (const locator of this.options.locators) {
      await this.refreshLocator(locator);
    }
  }

  private async refreshLocator(locator: GkeLocatorOptions) {
    const { lister, logger, target } = this.options;
    const parent = `projects/${locator.projectId}/locations/${locator.region}`;
    let listed: GkeCluster[];
    try {
      listed = await lister.listClusters(parent);
    } catch (e) {
      logger.warn(
        `stagecraft gke clusters: listing ${parent} (${
          locator.where
        }) failed, keeping the clusters known: ${String(e)}`,
      );
      return;
    }
    const before = this.known.get(locator.where) ?? new Set<string>();
    const seen = new Set<string>();
    for (const cluster of listed) {
      const connection = this.toConnection(locator, cluster);
      if (typeof connection === 'string') {
        logger.debug(`stagecraft gke clusters: ${connection}`);
        continue;
      }
      seen.add(connection.name);
      target.setCluster(connection);
    }
    for (const name of before) {
      if (!seen.has(name)) {
        target.removeCluster(name);
        logger.info(
          `stagecraft gke clusters: ${name} no longer listed in ${parent}; its watches stop`,
        );
      }
    }
    this.known.set(locator.where, seen);
  }

  /** The connection of a listed cluster, or why it is skipped. */
  toConnection(
    locator: GkeLocatorOptions,
    c: GkeCluster,
  ): ClusterConnection | string {
    const labels = c.resourceLabels ?? {};
    if (!locator.matchingResourceLabels.every(l => labels[l.key] === l.value)) {
      return `${c.name} does not carry the matchingResourceLabels`;
    }
    const name = c.name ?? '';
    const nameError = validateDnsLabel(name, 'name');
    if (nameError) return `${name}: ${nameError.message}`;
    if (this.options.target.isConfigured(name)) {
      return `${name} is configured in app-config (admin config wins)`;
    }
    const dns = c.controlPlaneEndpointsConfig?.dnsEndpointConfig?.endpoint;
    const host = locator.endpointType === 'dns' && dns ? dns : c.endpoint;
    if (!host) return `${name} has no endpoint`;
    return {
      name,
      url: `https://${host}`,
      auth: {
        type: 'strategy',
        provider: locator.authProvider,
        authMetadata: { 'kubernetes.io/auth-provider': locator.authProvider },
      },
      ...(c.masterAuth?.clusterCaCertificate && {
        caData: c.masterAuth.clusterCaCertificate,
      }),
      skipTLSVerify: locator.skipTLSVerify,
      source: `${locator.where} (gke ${locator.projectId}/${locator.region})`,
    };
  }
}
