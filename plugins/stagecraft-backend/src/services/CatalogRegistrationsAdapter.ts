import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { Actor } from '../domain/ports';
import type { CatalogRegistrations } from '../domain/operations/TeardownService';

/**
 * The catalog entities a template run registered, through the catalog
 * service with the acting user's credentials: the catalog's permissions
 * (catalog.entity.read, catalog.location.delete, catalog.entity.delete)
 * decide what the user sees and may unregister.
 */
export class CatalogRegistrationsAdapter implements CatalogRegistrations {
  constructor(private readonly catalog: CatalogService) {}

  async registeredBy(taskId: string, actor: Actor) {
    const credentials = this.credentials(actor);
    if (!credentials) return [];
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATIONS.scaffolderTask}`]: taskId,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    // environments are Stagecraft's own (deleted as environments)
    return items
      .filter(e => e.kind.toLocaleLowerCase('en-US') !== 'environment')
      .map(e => ({ entityRef: stringifyEntityRef(e) }));
  }

  async unregister(entityRef: string, actor: Actor): Promise<boolean> {
    const credentials = this.credentials(actor);
    if (!credentials) return false;
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) return false;
    // the location it came from (catalog:register made it): removing it
    // keeps the entity from coming back on the next refresh
    const location = await this.catalog.getLocationByEntity(entityRef, {
      credentials,
    });
    if (location) {
      await this.catalog.removeLocationById(location.id, { credentials });
    }
    const still = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (still?.metadata.uid) {
      await this.catalog.removeEntityByUid(still.metadata.uid, {
        credentials,
      });
    }
    return true;
  }

  private credentials(actor: Actor) {
    return actor.credentials as BackstageCredentials | undefined;
  }
}
