import { Readable } from 'node:stream';
import type { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { RELATIONS } from '@stagecraft/backstage-plugin-stagecraft-common';

/** A Stagecraft environment as Backstage search finds it. @public */
export interface EnvironmentDocument extends IndexableDocument {
  /** Always `Environment` (as the catalog's documents name their kind). */
  kind: 'Environment';
  /** The environment's name (its entity name). */
  name: string;
  /** development, staging, production or preview. */
  tier?: string;
  /** Its environment type (`stagecraft.environmentTypes`). */
  type?: string;
  /** Entity ref of the owning group or user. */
  owner?: string;
  /** The system it belongs to. */
  system?: string;
  /** The cluster it lives on (admin config). */
  cluster?: string;
  /** Its Kubernetes namespace. */
  namespace?: string;
  /** Names of the components deployed in it. */
  components: string[];
}

const nameOf = (ref: string) => parseEntityRef(ref).name;

/**
 * Environments for Backstage search (document type `stagecraft-environment`):
 * the catalog's Environment entities, with what Stagecraft deployed in them
 * (their `hasDeployment` relations), so "payments-staging", its owner, its
 * tier or the name of a component running there finds the environment page.
 * Read with the search plugin's own credentials; each document carries its
 * entity ref, so results are filtered by `catalog.entity.read` like the
 * catalog's own documents.
 *
 * @public
 */
export class EnvironmentCollatorFactory implements DocumentCollatorFactory {
  /** The document type (the index name). */
  readonly type = 'stagecraft-environment';
  /** Results are filtered like the catalog's: `catalog.entity.read` per entity. */
  readonly visibilityPermission = catalogEntityReadPermission;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      /** Where a result links to; default `/catalog/:namespace/environment/:name`. */
      locationTemplate?: string;
    },
  ) {}

  /** Every Environment entity of the catalog, as documents. */
  async getCollator(): Promise<Readable> {
    return Readable.from(this.documents());
  }

  private async *documents(): AsyncGenerator<EnvironmentDocument> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    do {
      const page = await this.deps.catalog.queryEntities(
        cursor
          ? { cursor, limit: 500 }
          : { filter: { kind: 'Environment' }, limit: 500 },
        { credentials },
      );
      for (const entity of page.items) yield this.toDocument(entity);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }

  /** One environment's document. */
  toDocument(entity: Entity): EnvironmentDocument {
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const str = (k: string) =>
      typeof spec[k] === 'string' ? (spec[k] as string) : undefined;
    const name = entity.metadata.name;
    const namespace = entity.metadata.namespace ?? 'default';
    const components = (entity.relations ?? [])
      .filter(r => r.type === RELATIONS.hasDeployment)
      .map(r => nameOf(r.targetRef))
      .sort();
    const tier = str('tier');
    const owner = str('owner');
    const system = str('system');
    const cluster = str('cluster');
    const text = [
      entity.metadata.description,
      `${tier ?? 'An'} environment${system ? ` of ${system}` : ''}${
        owner ? `, owned by ${nameOf(owner)}` : ''
      }${cluster ? `, on cluster ${cluster}` : ''}${
        str('namespace') ? ` (namespace ${str('namespace')})` : ''
      }.`,
      components.length
        ? `Deployed here: ${components.join(', ')}.`
        : 'Nothing deployed yet.',
    ]
      .filter(Boolean)
      .join(' ');
    const location = (
      this.deps.locationTemplate ?? '/catalog/:namespace/environment/:name'
    )
      .replace(':namespace', namespace)
      .replace(':name', name);
    return {
      title: entity.metadata.title ?? name,
      text,
      location,
      kind: 'Environment',
      name,
      ...(tier && { tier }),
      ...(str('type') && { type: str('type') }),
      ...(owner && { owner }),
      ...(system && { system }),
      ...(cluster && { cluster }),
      ...(str('namespace') && { namespace: str('namespace') }),
      components,
      authorization: { resourceRef: stringifyEntityRef(entity) },
    };
  }
}
