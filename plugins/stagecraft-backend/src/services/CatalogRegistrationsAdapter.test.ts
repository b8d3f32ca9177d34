import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogRegistrationsAdapter } from './CatalogRegistrationsAdapter';

const credentials = mockCredentials.user('user:default/alice');
const alice = { ref: 'user:default/alice', credentials };
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'app', namespace: 'default', uid: 'uid-1' },
};

describe('CatalogRegistrationsAdapter', () => {
  it('finds the run’s entities and removes their location, then the entity, with the caller’s credentials', async () => {
    let present = true;
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn(async () => ({
        items: [entity, { ...entity, kind: 'Environment' }] as any,
      })),
      getEntityByRef: jest.fn(async () =>
        present ? (entity as any) : undefined,
      ),
      getLocationByEntity: jest.fn(async () => ({
        id: 'loc-1',
        type: 'url',
        target:
          'http://localhost:7007/api/stagecraft/sources/app/catalog-info.yaml',
        entityRef: 'location:default/generated-app',
      })),
      removeLocationById: jest.fn(async () => {}),
      removeEntityByUid: jest.fn(async () => {
        present = false;
      }),
    });
    const adapter = new CatalogRegistrationsAdapter(catalog);
    expect(await adapter.registeredBy('task-7', alice)).toEqual([
      { entityRef: 'component:default/app' },
    ]);
    expect(catalog.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: {
          'metadata.annotations.stagecraft.io/scaffolder-task': 'task-7',
        },
      }),
      { credentials },
    );
    expect(await adapter.unregister('component:default/app', alice)).toBe(true);
    expect(catalog.removeLocationById).toHaveBeenCalledWith('loc-1', {
      credentials,
    });
    expect(catalog.removeEntityByUid).toHaveBeenCalledWith('uid-1', {
      credentials,
    });
    expect(await adapter.unregister('component:default/app', alice)).toBe(
      false,
    );
  });
});
