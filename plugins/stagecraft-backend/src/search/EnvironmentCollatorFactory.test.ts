import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import searchPlugin from '@backstage/plugin-search-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { EnvironmentCollatorFactory } from './EnvironmentCollatorFactory';
import { stagecraftSearchModule } from './module';

const environment = (
  name: string,
  spec: Record<string, string>,
  deployed: string[] = [],
): Entity => ({
  apiVersion: 'stagecraft.io/v1alpha1',
  kind: 'Environment',
  metadata: { name, namespace: 'default' },
  spec,
  relations: deployed.map(c => ({
    type: 'hasDeployment',
    targetRef: `component:default/${c}`,
  })),
});

const ENTITIES: Entity[] = [
  environment(
    'payments-staging',
    {
      type: 'staging',
      tier: 'staging',
      owner: 'group:default/payments',
      system: 'payments',
      cluster: 'local',
      namespace: 'payments-staging',
    },
    ['payments-worker', 'checkout'],
  ),
  environment('search-dev', {
    type: 'development',
    tier: 'development',
    owner: 'group:default/search',
    cluster: 'local',
    namespace: 'search-dev',
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
  },
];

async function collect(factory: EnvironmentCollatorFactory) {
  const docs: any[] = [];
  for await (const d of await factory.getCollator()) docs.push(d);
  return docs;
}

describe('EnvironmentCollatorFactory', () => {
  it('makes one document per Environment entity, with what is deployed in it', async () => {
    const factory = new EnvironmentCollatorFactory({
      catalog: catalogServiceMock({ entities: ENTITIES }),
      auth: mockServices.auth(),
    });
    expect(factory.type).toBe('stagecraft-environment');
    expect(factory.visibilityPermission.name).toBe('catalog.entity.read');
    const docs = await collect(factory);
    expect(docs).toEqual([
      {
        title: 'payments-staging',
        text: 'staging environment of payments, owned by payments, on cluster local (namespace payments-staging). Deployed here: checkout, payments-worker.',
        location: '/catalog/default/environment/payments-staging',
        kind: 'Environment',
        name: 'payments-staging',
        tier: 'staging',
        type: 'staging',
        owner: 'group:default/payments',
        system: 'payments',
        cluster: 'local',
        namespace: 'payments-staging',
        components: ['checkout', 'payments-worker'],
        authorization: {
          resourceRef: 'environment:default/payments-staging',
        },
      },
      expect.objectContaining({
        title: 'search-dev',
        text: 'development environment, owned by search, on cluster local (namespace search-dev). Nothing deployed yet.',
        components: [],
      }),
    ]);
  });

  it('links where the app says (locationTemplate)', async () => {
    const [doc] = await collect(
      new EnvironmentCollatorFactory({
        catalog: catalogServiceMock({ entities: ENTITIES.slice(0, 1) }),
        auth: mockServices.auth(),
        locationTemplate: '/environments/:namespace/:name',
      }),
    );
    expect(doc.location).toBe('/environments/default/payments-staging');
  });
});

describe('stagecraftSearchModule', () => {
  it('indexes environments so the search API finds them by name and by a component running there', async () => {
    const { server } = await startTestBackend({
      features: [
        searchPlugin,
        stagecraftSearchModule,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({
          data: {
            search: {
              collators: {
                stagecraft: {
                  schedule: {
                    frequency: { minutes: 10 },
                    timeout: { minutes: 1 },
                    initialDelay: { seconds: 0 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const query = (term: string) =>
      request(server)
        .get('/api/search/query')
        .query({ term, types: ['stagecraft-environment'] });
    const search = async (term: string) =>
      (await query(term).expect(200)).body.results.map(
        (r: any) => r.document.location,
      );
    // the first indexing runs right after start (until then the index is
    // missing, a 500): wait for it, not a fixed time
    const deadline = Date.now() + 20_000;
    let found: string[] = [];
    while (Date.now() < deadline && !found.length) {
      const res = await query('payments-staging');
      found =
        res.status === 200
          ? res.body.results.map((r: any) => r.document.location)
          : [];
      if (!found.length) await new Promise(r => setTimeout(r, 100));
    }
    expect(found[0]).toBe('/catalog/default/environment/payments-staging');
    expect(await search('checkout')).toEqual([
      '/catalog/default/environment/payments-staging',
    ]);
    expect(await search('search-dev')).toEqual([
      '/catalog/default/environment/search-dev',
    ]);
  });
});
