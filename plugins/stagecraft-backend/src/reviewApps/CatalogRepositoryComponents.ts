import type { AuthService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  PullRequestEvent,
  RepositoryComponents,
  ReviewComponent,
} from '../domain/reviewApps/ReviewApps';

/** The annotation of GitHub's plugins: `owner/name` of the repository. */
export const GITHUB_PROJECT_SLUG = 'github.com/project-slug';
/** The annotation of GitLab's plugins: the project's path (groups included). */
export const GITLAB_PROJECT_SLUG = 'gitlab.com/project-slug';

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
];

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/**
 * Whether a source location lies in the repository at `html`:
 * `url:https://github.com/acme/hello/tree/main/` is in
 * `https://github.com/acme/hello` (and a GitLab project's path may have
 * groups: `https://gitlab.example.com/acme/sub/hello/-/tree/main`).
 */
function sourceIsIn(location: string, html: string): boolean {
  const url = lower(location.replace(/^url:/, '')).replace(/\.git(?=\/|$)/, '');
  return url === html || url.startsWith(`${html}/`);
}

/**
 * The Components of a repository: `github.com/project-slug` (or
 * `gitlab.com/project-slug`) equal to the repository's `owner/name` (its
 * path), or a `backstage.io/source-location` in it. Read
 * with the plugin's own credentials (a webhook has no user).
 */
export class CatalogRepositoryComponents implements RepositoryComponents {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  async componentsOf(
    repository: PullRequestEvent['repository'],
  ): Promise<ReviewComponent[]> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: [
          {
            kind: 'Component',
            [`metadata.annotations.${GITHUB_PROJECT_SLUG}`]:
              repository.fullName,
          },
          {
            kind: 'Component',
            [`metadata.annotations.${GITLAB_PROJECT_SLUG}`]:
              repository.fullName,
          },
          {
            kind: 'Component',
            [`metadata.annotations.${ANNOTATION_SOURCE_LOCATION}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
        fields: FIELDS,
      },
      { credentials },
    );
    const slug = lower(repository.fullName);
    const html =
      repository.htmlUrl &&
      lower(repository.htmlUrl)
        .replace(/\/+$/, '')
        .replace(/\.git$/, '');
    const byRef = new Map<string, ReviewComponent>();
    for (const e of items) {
      const annotations = e.metadata.annotations ?? {};
      const source = annotations[ANNOTATION_SOURCE_LOCATION];
      const matches =
        lower(annotations[GITHUB_PROJECT_SLUG] ?? '') === slug ||
        lower(annotations[GITLAB_PROJECT_SLUG] ?? '') === slug ||
        (!!html && !!source && sourceIsIn(source, html));
      if (matches && typeof e.spec?.owner === 'string') {
        byRef.set(stringifyEntityRef(e), toComponent(e));
      }
    }
    return [...byRef.values()];
  }
}

function toComponent(e: Entity): ReviewComponent {
  const spec = e.spec as { owner: string; system?: string };
  return {
    ref: stringifyEntityRef(e),
    name: e.metadata.name,
    owner: stringifyEntityRef(
      parseEntityRef(spec.owner, {
        defaultKind: 'group',
        defaultNamespace: e.metadata.namespace ?? 'default',
      }),
    ),
    ...(typeof spec.system === 'string' && {
      system: stringifyEntityRef(
        parseEntityRef(spec.system, {
          defaultKind: 'system',
          defaultNamespace: e.metadata.namespace ?? 'default',
        }),
      ),
    }),
  };
}
