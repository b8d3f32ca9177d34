import { renderWorkload } from './render';
import type { WorkloadSpec } from './spec';

const spec = (variables: Record<string, string>, files?: unknown[]) =>
  ({
    apiVersion: 'score.dev/v1b1',
    metadata: { name: 'shop' },
    containers: {
      main: {
        image: 'ghcr.io/example/shop:1.0.0',
        variables,
        ...(files && { files }),
      },
    },
    resources: { db: { type: 'postgres' } },
  } as WorkloadSpec);

const render = (s: WorkloadSpec) =>
  renderWorkload({
    component: { name: 'shop', kubernetesId: 'shop' },
    environment: {
      name: 'shop-dev',
      namespace: 'shop-dev',
      tier: 'development',
    },
    spec: s,
    releaseId: 'r-0123456789ab',
    resourceOutputs: {
      db: {
        host: 'shop-db.shop-dev.svc.cluster.local',
        uri: { secretKeyRef: { name: 'shop-db', key: 'uri' } },
        password: { secretKeyRef: { name: 'shop-db', key: 'password' } },
      },
    },
  });

const envOf = (objects: ReturnType<typeof render>) =>
  (objects.find(o => o.kind === 'Deployment') as any).spec.template.spec
    .containers[0].env;

describe('secret resource outputs', () => {
  it('a variable that is one secret output becomes a secretKeyRef', () => {
    expect(
      envOf(
        render(
          spec({
            DATABASE_URL: '${resources.db.uri}',
            HOST: '${resources.db.host}',
          }),
        ),
      ),
    ).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'shop-db', key: 'uri' } },
      },
      { name: 'HOST', value: 'shop-db.shop-dev.svc.cluster.local' },
    ]);
  });

  it('secrets inside a longer value go through helper variables, never inlined', () => {
    expect(
      envOf(
        render(
          spec({
            DSN: 'host=${resources.db.host} password=${resources.db.password} cost=$$5',
          }),
        ),
      ),
    ).toEqual([
      {
        name: 'STAGECRAFT_SECRET_SHOP_DB_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'shop-db', key: 'password' } },
      },
      {
        name: 'DSN',
        value:
          'host=shop-db.shop-dev.svc.cluster.local password=$(STAGECRAFT_SECRET_SHOP_DB_PASSWORD) cost=$$5',
      },
    ]);
  });

  it('refuses a secret output in a file', () => {
    expect(() =>
      render(
        spec({}, [
          { target: '/etc/db.conf', content: 'uri=${resources.db.uri}' },
        ]),
      ),
    ).toThrow(
      'containers.main.files[0].content references ${resources.db.uri}, a secret output: secrets reach containers only as variables (secretKeyRef), never in file contents',
    );
  });
});
