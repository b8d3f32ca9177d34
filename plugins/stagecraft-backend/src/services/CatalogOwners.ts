import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Actor, OwnerDirectory } from '../domain/ports';

/**
 * Owners are Group or User entities of the catalog. Read with the backend's
 * own credentials: whether an owner exists does not depend on what the actor
 * may see, and the answer names nothing the actor could not type.
 */
export class CatalogOwners implements OwnerDirectory {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  async exists(ownerRef: string, _actor: Actor): Promise<boolean> {
    const kind = ownerRef.split(':')[0].toLocaleLowerCase('en-US');
    if (kind !== 'group' && kind !== 'user') return false;
    const entity = await this.deps.catalog.getEntityByRef(ownerRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    return entity !== undefined;
  }
}
