import type { EnvironmentRecord, KubeObject } from '../ports';
import { clusterEdits } from './GitopsDelivery';
import {
  componentFiles,
  environmentPath,
  fluxObjects,
  gitopsStage,
  shaOf,
} from './gitops';
import type { GitopsSettings } from './ports';

const settings: GitopsSettings = {
  repository: 'https://git.example.com/acme/deploy.git',
  branch: 'main',
  path: 'clusters/{cluster}/{environment}/',
  interval: '1m',
  namespace: 'stagecraft-gitops',
};
const env = {
  name: 'shop-stg',
  namespace: 'shop-stg',
  cluster: 'eu-1',
  type: 'staging',
  tier: 'staging',
  owner: 'group:default/team-a',
} as EnvironmentRecord;
const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'shop',
    namespace: 'shop-stg',
    resourceVersion: '42',
    uid: 'u',
    managedFields: [],
  },
  spec: { replicas: 1 },
  status: { readyReplicas: 1 },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'shop' },
  spec: {},
};
const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);

describe('GitOps files and Flux objects', () => {
  it('puts an environment at its path, without leading or trailing slashes', () => {
    expect(environmentPath(settings, env)).toBe('clusters/eu-1/shop-stg');
  });

  it('writes one file per object and a kustomization listing them, without server fields', () => {
    const files = componentFiles('x/shop', [service, deployment]);
    expect(Object.keys(files).sort()).toEqual([
      'x/shop/deployment-shop.yaml',
      'x/shop/kustomization.yaml',
      'x/shop/service-shop.yaml',
    ]);
    expect(files['x/shop/kustomization.yaml']).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment-shop.yaml\n  - service-shop.yaml\n',
    );
    const text = files['x/shop/deployment-shop.yaml'];
    expect(text).toContain('replicas: 1');
    for (const field of ['resourceVersion', 'uid', 'managedFields', 'status']) {
      expect(text).not.toContain(field);
    }
    // the same objects give the same tree
    expect(componentFiles('x/shop', [service, deployment])).toEqual(files);
  });

  it('refuses to put a Secret in Git', () => {
    expect(() =>
      componentFiles('x', [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
      ]),
    ).toThrow('refusing to write a Secret to Git');
  });

  it('makes a namespace-limited applier, the source and a pruned Kustomization of the folder', () => {
    const objects = fluxObjects(env, settings, {
      username: 'u',
      password: 'p',
    });
    expect(
      objects.map(
        o => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      ),
    ).toEqual([
      'Namespace//stagecraft-gitops',
      'ServiceAccount/stagecraft-gitops/stagecraft-shop-stg',
      'RoleBinding/shop-stg/stagecraft-flux-apply',
      'Secret/stagecraft-gitops/stagecraft-shop-stg-git',
      'GitRepository/stagecraft-gitops/stagecraft-shop-stg',
      'Kustomization/stagecraft-gitops/stagecraft-shop-stg',
    ]);
    expect(objects[2]).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: 'stagecraft-shop-stg',
          namespace: 'stagecraft-gitops',
        },
      ],
    });
    expect(objects[5].spec).toEqual({
      interval: '1m',
      retryInterval: '1m',
      path: './clusters/eu-1/shop-stg',
      prune: true,
      targetNamespace: 'shop-stg',
      serviceAccountName: 'stagecraft-shop-stg',
      sourceRef: { kind: 'GitRepository', name: 'stagecraft-shop-stg' },
      timeout: '2m',
    });
  });

  it("uses the platform's own Secret when one is named, and writes none", () => {
    const objects = fluxObjects(env, { ...settings, secretName: 'deploy-key' });
    expect(objects.some(o => o.kind === 'Secret')).toBe(false);
    expect(objects[3].spec).toMatchObject({
      secretRef: { name: 'deploy-key' },
    });
  });
});

describe('gitopsStage', () => {
  const source = (revision?: string): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 's' },
    status: revision ? { artifact: { revision } } : {},
  });
  const kustomization = (status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'k' },
    status,
  });
  // SHA2 is a descendant of SHA1
  const contains = async (sha: string, head: string) =>
    sha === SHA1 && head === SHA2;

  it('reads the sha of a Flux revision', () => {
    expect(shaOf(`main@sha1:${SHA1}`)).toBe(SHA1);
    expect(shaOf(SHA1)).toBe(SHA1);
    expect(shaOf(undefined)).toBeUndefined();
  });

  it('goes committed → fetched → applied, a later commit counting as holding it', async () => {
    expect(
      (await gitopsStage(SHA1, source(), kustomization({}), contains)).stage,
    ).toBe('committed');
    expect(
      (
        await gitopsStage(
          SHA1,
          source(`main@sha1:${SHA1}`),
          kustomization({}),
          contains,
        )
      ).stage,
    ).toBe('fetched');
    const applied = await gitopsStage(
      SHA1,
      source(`main@sha1:${SHA2}`),
      kustomization({
        lastAppliedRevision: `main@sha1:${SHA2}`,
        conditions: [
          { type: 'Ready', status: 'True', message: 'Applied revision' },
        ],
      }),
      contains,
    );
    expect(applied).toEqual({
      stage: 'applied',
      commit: SHA1,
      fetchedRevision: SHA2,
      appliedRevision: SHA2,
      message: 'Applied revision',
    });
  });

  it("is failed when Flux could not apply the commit, with Flux's message", async () => {
    const failed = await gitopsStage(
      SHA1,
      source(`main@sha1:${SHA1}`),
      kustomization({
        lastAttemptedRevision: `main@sha1:${SHA1}`,
        conditions: [
          { type: 'Ready', status: 'False', message: 'dry-run failed' },
        ],
      }),
      contains,
    );
    expect(failed).toMatchObject({
      stage: 'failed',
      message: 'dry-run failed',
    });
  });

  it('says so when the environment has no Flux objects', async () => {
    expect(
      await gitopsStage(SHA1, undefined, undefined, contains),
    ).toMatchObject({
      stage: 'committed',
      message: 'the environment has no Flux objects',
    });
  });
});

describe('clusterEdits', () => {
  it("names hand edits since the revision from the workload's field managers, not Flux's, the controllers' or the status", () => {
    const live: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'shop',
        managedFields: [
          {
            manager: 'kustomize-controller',
            operation: 'Apply',
            time: '2026-12-02T10:00:01Z',
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            time: '2026-12-02T10:00:02Z',
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            subresource: 'status',
            time: '2026-12-02T10:00:02Z',
          },
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            time: '2026-12-02T10:05:00Z',
          },
          {
            manager: 'old-script',
            operation: 'Update',
            time: '2026-12-01T09:00:00Z',
          },
        ],
      },
    };
    expect(clusterEdits(live, '2026-12-02T10:00:00Z')).toEqual([
      {
        object: 'Deployment/shop',
        manager: 'kubectl-edit',
        at: '2026-12-02T10:05:00Z',
      },
    ]);
    expect(clusterEdits(undefined, '2026-12-02T10:00:00Z')).toEqual([]);
  });
});
