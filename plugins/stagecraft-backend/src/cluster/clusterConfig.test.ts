import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readClusterConnections } from './clusterConfig';

describe('readClusterConnections', () => {
  it('reads the config cluster locators of the kubernetes plugin', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog' },
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: 'https://127.0.0.1:6443',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't0k3n',
                caFile: '/tmp/ca.crt',
              },
            ],
          },
        ],
      },
    });
    expect(readClusterConnections(config)).toEqual([
      {
        name: 'local',
        url: 'https://127.0.0.1:6443',
        serviceAccountToken: 't0k3n',
        caFile: '/tmp/ca.crt',
        caData: undefined,
        skipTLSVerify: false,
      },
    ]);
  });

  it('prefers stagecraft.clusters when set', () => {
    const config = new ConfigReader({
      stagecraft: { clusters: [{ name: 'prod-eu', url: 'https://10.0.0.1' }] },
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'x', url: 'https://x' }] },
        ],
      },
    });
    expect(readClusterConnections(config).map(c => c.name)).toEqual([
      'prod-eu',
    ]);
  });

  it('refuses invalid names, non-http URLs and duplicates, naming the key', () => {
    const bad = (clusters: JsonObject[]) => () =>
      readClusterConnections(new ConfigReader({ stagecraft: { clusters } }));
    expect(bad([{ name: 'Prod_EU', url: 'https://a' }])).toThrow(
      /stagecraft\.clusters\[0\]\.name "Prod_EU" is not a valid DNS-1123 label/,
    );
    expect(bad([{ name: 'a', url: 'ftp://a' }])).toThrow(
      /stagecraft\.clusters\[0\]\.url must be an http\(s\) URL/,
    );
    expect(
      bad([
        { name: 'a', url: 'https://a' },
        { name: 'a', url: 'https://b' },
      ]),
    ).toThrow(/cluster name "a" is configured twice/);
  });
});
