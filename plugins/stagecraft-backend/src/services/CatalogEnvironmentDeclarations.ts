import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  Actor,
  DeclaredEnvironment,
  EnvironmentDeclarations,
} from '../domain/ports';
import { catalogCredentials } from './CatalogWorkloadSource';

/**
 * `kind: Environment` entities of the catalog (declared in YAML, or ingested
 * from a cluster), read with the actor's credentials: provisioning one by name
 * takes its spec instead of asking for it again.
 */
export class CatalogEnvironmentDeclarations implements EnvironmentDeclarations {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  async declared(
    name: string,
    actor: Actor,
  ): Promise<DeclaredEnvironment | undefined> {
    const ref = `environment:default/${name}`;
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: await catalogCredentials(this.deps.auth, actor),
    });
    const spec = entity?.spec as Record<string, unknown> | undefined;
    if (!spec || typeof spec.owner !== 'string') return undefined;
    const text = (key: string) =>
      typeof spec[key] === 'string' ? (spec[key] as string) : undefined;
    const fields = {
      type: text('type'),
      system: text('system'),
      cluster: text('cluster'),
      namespace: text('namespace'),
      promotesTo: text('promotesTo'),
    };
    return {
      ref,
      tier: text('tier') ?? 'development',
      owner: spec.owner,
      ...Object.fromEntries(
        Object.entries(fields).filter(([, v]) => v !== undefined),
      ),
    };
  }
}
