import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { validateDnsLabel } from '@stagecraft/backstage-plugin-stagecraft-common';

/** Connection details of one cluster, from admin config only. */
export interface ClusterConnection {
  name: string;
  url: string;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  /** Time budget of one call to this cluster, retries included (ms). */
  timeoutMs?: number;
}

function readCluster(c: Config, where: string): ClusterConnection {
  const name = c.getString('name');
  const nameError = validateDnsLabel(name, `${where}.name`);
  if (nameError) throw new InputError(nameError.message);
  const url = c.getString('url');
  if (!/^https?:\/\//.test(url)) {
    throw new InputError(`${where}.url must be an http(s) URL, got "${url}"`);
  }
  const timeoutSeconds = c.getOptionalNumber('timeoutSeconds');
  if (
    timeoutSeconds !== undefined &&
    !(timeoutSeconds > 0 && timeoutSeconds <= 600)
  ) {
    throw new InputError(
      `${where}.timeoutSeconds must be a number of seconds from 0 to 600, got ${timeoutSeconds}`,
    );
  }
  return {
    name,
    url,
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    ...(timeoutSeconds !== undefined && { timeoutMs: timeoutSeconds * 1000 }),
  };
}

/**
 * Reads the clusters Stagecraft may use: `stagecraft.clusters` when set,
 * otherwise the `config` cluster locators of `kubernetes.clusterLocatorMethods`
 * (the shape @backstage/plugin-kubernetes-backend reads), so one list serves both.
 */
export function readClusterConnections(config: Config): ClusterConnection[] {
  const own = config.getOptionalConfigArray('stagecraft.clusters');
  const clusters = own
    ? own.map((c, i) => readCluster(c, `stagecraft.clusters[${i}]`))
    : (config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [])
        .map((m, i) => ({ m, i }))
        .filter(({ m }) => m.getString('type') === 'config')
        .flatMap(({ m, i }) =>
          (m.getOptionalConfigArray('clusters') ?? []).map((c, j) =>
            readCluster(
              c,
              `kubernetes.clusterLocatorMethods[${i}].clusters[${j}]`,
            ),
          ),
        );
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) {
      throw new InputError(`cluster name "${c.name}" is configured twice`);
    }
    seen.add(c.name);
  }
  return clusters;
}
