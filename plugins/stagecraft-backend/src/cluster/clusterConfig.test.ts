import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readClusterConnections, readClusterSettings } from './clusterConfig';

const k8s = (clusters: JsonObject[], extra: JsonObject[] = []) => ({
  kubernetes: {
    clusterLocatorMethods: [...extra, { type: 'config', clusters }],
  },
});
const one = (c: JsonObject) =>
  readClusterConnections(new ConfigReader(k8s([c])))[0];
const base = { name: 'c', url: 'https://10.0.0.1:6443' };

describe('readClusterSettings', () => {
  it('reads the config cluster locators of the kubernetes plugin', () => {
    const config = new ConfigReader(
      k8s(
        [
          {
            name: 'local',
            url: 'https://127.0.0.1:6443',
            authProvider: 'serviceAccount',
            serviceAccountToken: 't0k3n',
            caFile: '/tmp/ca.crt',
          },
        ],
        [{ type: 'catalog' }, { type: 'gke', projectId: 'p' }],
      ),
    );
    const settings = readClusterSettings(config);
    expect(settings.clusters).toEqual([
      {
        name: 'local',
        url: 'https://127.0.0.1:6443',
        auth: { type: 'token', token: 't0k3n' },
        caFile: '/tmp/ca.crt',
        caData: undefined,
        skipTLSVerify: false,
        source: 'kubernetes.clusterLocatorMethods[2].clusters[0]',
      },
    ]);
    expect(settings.catalog).toEqual({
      where: 'kubernetes.clusterLocatorMethods[0]',
    });
    expect(settings.gke).toMatchObject([
      { where: 'kubernetes.clusterLocatorMethods[1]', projectId: 'p' },
    ]);
    expect(settings.ignored).toEqual([]);
  });

  it('serviceAccount without a token is the pod’s mounted token and CA (in-cluster)', () => {
    expect(one({ ...base, authProvider: 'serviceAccount' })).toMatchObject({
      auth: {
        type: 'tokenFile',
        path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      },
      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
  });

  it('reads token files, client certificates and kubeconfigs', () => {
    expect(
      one({
        ...base,
        authProvider: 'serviceAccount',
        serviceAccountTokenFile: '/t',
      }).auth,
    ).toEqual({ type: 'tokenFile', path: '/t' });
    expect(
      one({
        ...base,
        authProvider: 'serviceAccount',
        clientCertFile: '/c',
        clientKeyData: 'a2V5',
      }).auth,
    ).toEqual({
      type: 'clientCertificate',
      certFile: '/c',
      keyData: 'a2V5',
      certData: undefined,
      keyFile: undefined,
    });
    expect(
      one({
        ...base,
        authProvider: 'serviceAccount',
        kubeconfig: '/k',
        kubeconfigContext: 'eks',
      }).auth,
    ).toEqual({ type: 'kubeconfig', path: '/k', context: 'eks' });
    expect(() =>
      one({
        ...base,
        authProvider: 'serviceAccount',
        clientCertFile: '/c',
      }),
    ).toThrow(/needs a client certificate and its key/);
    expect(() =>
      one({
        ...base,
        authProvider: 'serviceAccount',
        serviceAccountToken: 't',
        kubeconfig: '/k',
      }),
    ).toThrow(/sets serviceAccountToken and kubeconfig; give one credential/);
  });

  it('hands other providers to Backstage’s auth strategies with their metadata', () => {
    expect(
      one({ ...base, authProvider: 'aws', assumeRole: 'arn:aws:iam::1:role/r' })
        .auth,
    ).toEqual({
      type: 'strategy',
      provider: 'aws',
      authMetadata: {
        'kubernetes.io/auth-provider': 'aws',
        'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/r',
      },
    });
    expect(() => one(base)).toThrow(/has no authProvider/);
  });

  it('a cluster named in both blocks is one cluster with Stagecraft’s identity', () => {
    const config = new ConfigReader({
      ...k8s([
        {
          name: 'prod',
          url: 'https://prod.example.com',
          authProvider: 'oidc',
          oidcTokenProvider: 'okta',
          caData: 'Q0E=',
        },
      ]),
      stagecraft: {
        clusters: [
          { name: 'prod', serviceAccountTokenFile: '/var/run/stagecraft' },
          { name: 'extra', url: 'https://10.0.0.2', serviceAccountToken: 't' },
        ],
      },
    });
    expect(readClusterConnections(config)).toEqual([
      {
        name: 'prod',
        url: 'https://prod.example.com',
        auth: { type: 'tokenFile', path: '/var/run/stagecraft' },
        caData: 'Q0E=',
        caFile: undefined,
        skipTLSVerify: false,
        source:
          'stagecraft.clusters[0] + kubernetes.clusterLocatorMethods[0].clusters[0]',
      },
      expect.objectContaining({
        name: 'extra',
        auth: { type: 'token', token: 't' },
      }),
    ]);
  });

  it('reads the localKubectlProxy locator as Backstage does', () => {
    expect(
      readClusterConnections(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [{ type: 'localKubectlProxy' }],
          },
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        name: 'local',
        url: 'http://localhost:8001',
        skipTLSVerify: true,
      }),
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
