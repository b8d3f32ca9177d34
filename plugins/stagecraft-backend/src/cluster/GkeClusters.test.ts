import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { mockServices } from '@backstage/backend-test-utils';
import { readClusterSettings } from './clusterConfig';
import { startClusterAccess } from './clusterAccess';
import {
  clusterManagerClientClass,
  GkeCluster,
  GkeClusterLister,
} from './GkeClusters';
import { KubernetesClusterGateway } from './KubernetesClusterGateway';

const gkeConfig = (locator: Record<string, unknown>, extra = {}) =>
  new ConfigReader({
    kubernetes: { clusterLocatorMethods: [{ type: 'gke', ...locator }] },
    ...extra,
  });

/** A GKE API that lists what the test says, and records what was asked. */
function fakeGke(clusters: GkeCluster[]) {
  const asked: string[] = [];
  let failing: Error | undefined;
  const lister: GkeClusterLister = {
    async listClusters(parent) {
      asked.push(parent);
      if (failing) throw failing;
      return clusters;
    },
  };
  return {
    lister,
    asked,
    clusters,
    fail: (e?: Error) => {
      failing = e;
    },
  };
}

const prod: GkeCluster = {
  name: 'prod-eu',
  endpoint: '34.1.2.3',
  resourceLabels: { team: 'platform', env: 'prod' },
  masterAuth: { clusterCaCertificate: 'Q0EtcHJvZA==' },
  controlPlaneEndpointsConfig: {
    dnsEndpointConfig: { endpoint: 'gke-abc.europe-west1.gke.goog' },
  },
};

function start(
  config: ConfigReader,
  gke: ReturnType<typeof fakeGke>,
  gateway = new KubernetesClusterGateway(readClusterSettings(config).clusters),
) {
  const watched: string[] = [];
  const access = startClusterAccess({
    config,
    logger: mockServices.logger.mock(),
    gateway,
    catalog: {} as CatalogService,
    auth: mockServices.auth(),
    strategies: new Map(),
    watchers: [
      {
        addCluster: name => watched.push(`+${name}`),
        removeCluster: name => watched.push(`-${name}`),
      },
    ],
    gkeLister: gke.lister,
    gkeRefreshMs: 3_600_000,
  });
  return { gateway, watched, access };
}

/** Resolves once `condition` holds (checked every few ms). */
async function until(condition: () => boolean) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 5));
  }
}

describe('the gke cluster locator', () => {
  it('reads the fields and defaults of Backstage’s GkeClusterLocator', () => {
    expect(readClusterSettings(gkeConfig({ projectId: 'acme' })).gke).toEqual([
      {
        where: 'kubernetes.clusterLocatorMethods[0]',
        projectId: 'acme',
        region: '-',
        authProvider: 'google',
        matchingResourceLabels: [],
        exposeDashboard: false,
        skipTLSVerify: false,
        skipMetricsLookup: false,
        endpointType: 'public',
      },
    ]);
    const every = {
      projectId: 'acme',
      region: 'europe-west1',
      authProvider: 'googleServiceAccount',
      matchingResourceLabels: [{ key: 'team', value: 'platform' }],
      exposeDashboard: true,
      skipTLSVerify: true,
      skipMetricsLookup: true,
      endpointType: 'dns',
    };
    const full = readClusterSettings(gkeConfig(every));
    expect(full.gke[0]).toEqual({
      where: 'kubernetes.clusterLocatorMethods[0]',
      ...every,
    });
    expect(full.ignored).toEqual([]);
  });

  it('refuses a locator it cannot use, naming the key', () => {
    expect(() => readClusterSettings(gkeConfig({}))).toThrow(
      'kubernetes.clusterLocatorMethods[0] (type gke) needs projectId',
    );
    expect(() =>
      readClusterSettings(gkeConfig({ projectId: 'p', authProvider: 'aws' })),
    ).toThrow(
      'kubernetes.clusterLocatorMethods[0].authProvider must be google or googleServiceAccount, got "aws"',
    );
    expect(() =>
      readClusterSettings(gkeConfig({ projectId: 'p', endpointType: 'x' })),
    ).toThrow('endpointType must be public or dns');
    expect(() =>
      readClusterSettings(
        gkeConfig({ projectId: 'p', matchingResourceLabels: [{ key: 'k' }] }),
      ),
    ).toThrow(/value/);
  });

  it('lists the project’s clusters that carry the labels into the gateway, with their CA, and watches them', async () => {
    const gke = fakeGke([
      prod,
      { ...prod, name: 'sandbox', resourceLabels: { team: 'other' } },
      { ...prod, name: 'No_Dns_Label' },
    ]);
    const { gateway, watched, access } = start(
      gkeConfig({
        projectId: 'acme',
        region: 'europe-west1',
        authProvider: 'googleServiceAccount',
        matchingResourceLabels: [{ key: 'team', value: 'platform' }],
      }),
      gke,
    );
    await until(() => watched.length > 0);
    expect(gke.asked).toEqual(['projects/acme/locations/europe-west1']);
    expect(gateway.listClusters()).toEqual([{ name: 'prod-eu' }]);
    expect(gateway.connection('prod-eu')).toEqual({
      name: 'prod-eu',
      url: 'https://34.1.2.3',
      caData: 'Q0EtcHJvZA==',
      skipTLSVerify: false,
      auth: {
        type: 'strategy',
        provider: 'googleServiceAccount',
        authMetadata: { 'kubernetes.io/auth-provider': 'googleServiceAccount' },
      },
      source: 'kubernetes.clusterLocatorMethods[0] (gke acme/europe-west1)',
    });
    expect(watched).toEqual(['+prod-eu']);
    access.stop();
  });

  it('follows the listing: a changed cluster restarts its watches, a vanished one stops them, a failed listing keeps them', async () => {
    const gke = fakeGke([prod]);
    const { gateway, watched, access } = start(
      gkeConfig({ projectId: 'acme', endpointType: 'dns' }),
      gke,
    );
    await until(() => watched.length === 1);
    expect(gateway.connection('prod-eu')?.url).toBe(
      'https://gke-abc.europe-west1.gke.goog',
    );
    // the next pass of the locator (its timer is an hour here)
    const refresh = () => access.refreshGke();
    gke.clusters[0] = {
      ...prod,
      masterAuth: { clusterCaCertificate: 'TkVXLUNB' },
    };
    await refresh();
    expect(gateway.connection('prod-eu')?.caData).toBe('TkVXLUNB');
    expect(watched).toEqual(['+prod-eu', '+prod-eu']);
    await refresh(); // unchanged: nothing restarts
    expect(watched).toHaveLength(2);
    gke.fail(new Error('PERMISSION_DENIED'));
    await refresh();
    expect(gateway.listClusters()).toEqual([{ name: 'prod-eu' }]);
    gke.fail();
    gke.clusters.length = 0;
    await refresh();
    expect(gateway.listClusters()).toEqual([]);
    expect(watched).toEqual(['+prod-eu', '+prod-eu', '-prod-eu']);
    access.stop();
  });

  it('a name configured in app-config is the admin’s entry', async () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'gke', projectId: 'acme' },
          {
            type: 'config',
            clusters: [
              {
                name: 'prod-eu',
                url: 'https://10.0.0.1',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
              },
            ],
          },
        ],
      },
    });
    const gke = fakeGke([prod, { ...prod, name: 'prod-us' }]);
    const { gateway, watched, access } = start(config, gke);
    await until(() => watched.length > 0);
    expect(gateway.connection('prod-eu')?.url).toBe('https://10.0.0.1');
    expect(watched).toEqual(['+prod-us']);
    access.stop();
  });

  it('the default lister finds the GKE client Backstage’s Kubernetes backend ships (not called here: no Google project)', () => {
    const ClusterManagerClient = clusterManagerClientClass();
    expect(typeof ClusterManagerClient).toBe('function');
    expect(typeof ClusterManagerClient.prototype.listClusters).toBe('function');
  });
});
