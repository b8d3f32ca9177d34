import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ClusterConnection } from './clusterConfig';
import { ClusterTarget, RefreshLoop } from './clusterTarget';

const API_SERVER = 'kubernetes.io/api-server';
const API_SERVER_CA = 'kubernetes.io/api-server-certificate-authority';
const AUTH_PROVIDER = 'kubernetes.io/auth-provider';

/** Non-public ranges a catalog cluster may not point at (as Backstage's catalog locator). */
const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** Who may declare clusters in the catalog, and how often it is read. */
export interface CatalogClusterPolicy {
  /** Owners (entity refs) whose `kubernetes-cluster` Resources are clusters. */
  allowedOwners: string[];
  /** When set: only entities whose origin location starts with one of these. */
  allowedLocations?: string[];
  /** Hosts (or `*.suffix`) allowed to resolve to non-public addresses. */
  allowedPrivateHosts: string[];
  refreshMs: number;
}

/**
 * `stagecraft.catalogClusters` (ownership) and the catalog locator's own
 * `dangerouslyAllowClusterUrls` (the key Backstage's catalog locator reads).
 * Owners default to the example policy's platform group.
 */
export function readCatalogClusterPolicy(
  config: Config,
  locator: string,
): CatalogClusterPolicy {
  const c = config.getOptionalConfig('stagecraft.catalogClusters');
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const index = Number(/\[(\d+)\]/.exec(locator)?.[1] ?? -1);
  const platform = config.getOptionalString(
    'stagecraft.examplePolicy.platformGroup',
  );
  return {
    allowedOwners:
      c?.getOptionalStringArray('allowedOwners') ??
      (platform ? [platform] : []),
    allowedLocations: c?.getOptionalStringArray('allowedLocations'),
    allowedPrivateHosts:
      methods[index]?.getOptionalStringArray('dangerouslyAllowClusterUrls') ??
      [],
    refreshMs: (c?.getOptionalNumber('refreshSeconds') ?? 10) * 1000,
  };
}

function hostAllowed(host: string, patterns: string[]) {
  return patterns.some(p =>
    p.startsWith('*.')
      ? host.endsWith(p.slice(1)) || host === p.slice(2)
      : host === p.toLowerCase(),
  );
}

/**
 * Clusters declared in the catalog as `kind: Resource`, `spec.type:
 * kubernetes-cluster` with the `kubernetes.io/*` annotations Backstage's
 * catalog cluster locator reads, kept in the gateway at runtime: a new entity
 * becomes a cluster within one refresh, a changed one is re-authenticated
 * (its watches restart), a removed one is dropped (its watches stop).
 *
 * Only entities owned by an allowed owner (and, when configured, ingested
 * from an allowed location) count; a catalog entity never carries a secret
 * (`serviceAccountToken` is refused): its credentials come from the auth
 * strategy it names (aws, azure, googleServiceAccount, a module's).
 */
export class CatalogClusters {
  private readonly known = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      policy: CatalogClusterPolicy;
      /** The gateway's add/replace/remove and its admin-config clusters. */
      target: ClusterTarget;
    },
  ) {}

  private loop?: RefreshLoop;

  start() {
    this.loop = new RefreshLoop(
      () => this.refresh(),
      this.options.policy.refreshMs,
      e => this.options.logger.warn(`stagecraft catalog clusters: ${e}`),
    );
    this.loop.start();
  }

  stop() {
    this.loop?.stop();
  }

  /** One pass: read the catalog, update the gateway. */
  async refresh(): Promise<void> {
    const { catalog, auth, target } = this.options;
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Resource', 'spec.type': 'kubernetes-cluster' } },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const seen = new Set<string>();
    for (const entity of items) {
      const result = await this.toConnection(entity);
      if (typeof result === 'string') {
        this.warnOnce(entity, result);
        continue;
      }
      seen.add(result.name);
      target.setCluster(result);
      this.known.add(result.name);
    }
    for (const name of [...this.known]) {
      if (!seen.has(name)) {
        target.removeCluster(name);
        this.known.delete(name);
        this.options.logger.info(
          `stagecraft catalog clusters: ${name} removed from the catalog; its watches stop`,
        );
      }
    }
  }

  private warnOnce(entity: Entity, why: string) {
    const key = `${stringifyEntityRef(entity)}:${why}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.logger.warn(
      `stagecraft ignores kubernetes-cluster ${stringifyEntityRef(
        entity,
      )}: ${why}`,
    );
  }

  /** The connection of an entity, or why it is not a cluster. */
  async toConnection(entity: Entity): Promise<ClusterConnection | string> {
    const { policy, target } = this.options;
    const name = entity.metadata.name;
    const owner = entity.spec?.owner;
    const ownerRef =
      typeof owner === 'string'
        ? stringifyEntityRef(
            parseEntityRef(owner, {
              defaultKind: 'group',
              defaultNamespace: entity.metadata.namespace ?? 'default',
            }),
          )
        : undefined;
    if (!ownerRef || !policy.allowedOwners.includes(ownerRef)) {
      return `owned by ${ownerRef ?? 'nobody'}, not by ${
        policy.allowedOwners.join(' or ') || 'an allowed owner'
      } (stagecraft.catalogClusters.allowedOwners)`;
    }
    const a = entity.metadata.annotations ?? {};
    if (a['backstage.io/orphan'] === 'true') {
      return 'it is an orphan (no longer in its location)';
    }
    const origin = a[ANNOTATION_ORIGIN_LOCATION] ?? '';
    if (
      policy.allowedLocations &&
      !policy.allowedLocations.some(l => origin.startsWith(l))
    ) {
      return `its origin location ${origin} is not one of stagecraft.catalogClusters.allowedLocations`;
    }
    const nameError = validateDnsLabel(name, 'metadata.name');
    if (nameError) return nameError.message;
    if (target.isConfigured(name)) {
      return `a cluster "${name}" is configured in app-config (admin config wins)`;
    }
    const url = a[API_SERVER];
    const caData = a[API_SERVER_CA];
    const provider = a[AUTH_PROVIDER];
    if (!url || !caData || !provider) {
      return `it needs the annotations ${API_SERVER}, ${API_SERVER_CA} and ${AUTH_PROVIDER}`;
    }
    if (provider === 'serviceAccount' || a.serviceAccountToken) {
      return 'a catalog entity never carries a token: use an auth provider whose credentials come from the backend (aws, azure, googleServiceAccount, or a module strategy)';
    }
    const urlError = await this.checkUrl(url);
    if (urlError) return urlError;
    const authMetadata = Object.fromEntries(
      Object.entries(a).filter(([k]) => k.startsWith('kubernetes.io/')),
    );
    return {
      name,
      url,
      auth: { type: 'strategy', provider, authMetadata },
      caData,
      skipTLSVerify: false,
      source: `catalog ${stringifyEntityRef(entity)}`,
    };
  }

  private async checkUrl(raw: string): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `${API_SERVER} is not a URL`;
    }
    if (url.protocol !== 'https:') return `${API_SERVER} must be https`;
    if (url.username || url.password) {
      return `${API_SERVER} must not contain credentials`;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (hostAllowed(host, this.options.policy.allowedPrivateHosts)) {
      return undefined;
    }
    const addresses = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true }).catch(() => []);
    if (addresses.length === 0) return `${host} does not resolve`;
    const inner = addresses.find(ad =>
      NON_PUBLIC.check(ad.address, ad.family === 6 ? 'ipv6' : 'ipv4'),
    );
    return inner
      ? `${host} resolves to the non-public address ${inner.address} (allow it with dangerouslyAllowClusterUrls on the catalog locator)`
      : undefined;
  }
}
