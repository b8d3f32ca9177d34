import type {
  AuthService,
  LifecycleService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { PeopleDirectory } from '../domain/delivery/GitopsDelivery';
import type { EnvironmentTypeSpec } from '../domain/environments/types';
import { integrationCredentials } from './credentials';
import { IsomorphicGitWriter } from './IsomorphicGitWriter';

export {
  IsomorphicGitWriter,
  STAGECRAFT_COMMITTER,
} from './IsomorphicGitWriter';
export { integrationCredentials } from './credentials';
export type { GitCredentials } from './credentials';

/** A user's display name and email from their catalog entity (commit authors). */
export function catalogPeople(deps: {
  catalog: CatalogService;
  auth: AuthService;
}): PeopleDirectory {
  return {
    async identityOf(ref) {
      if (!ref.startsWith('user:')) return undefined;
      const entity = await deps.catalog.getEntityByRef(ref, {
        credentials: await deps.auth.getOwnServiceCredentials(),
      });
      const profile = (entity?.spec as { profile?: Record<string, unknown> })
        ?.profile;
      return {
        ...(typeof profile?.displayName === 'string' && {
          name: profile.displayName,
        }),
        ...(typeof profile?.email === 'string' && { email: profile.email }),
      };
    },
  };
}

/**
 * The Git ports when an environment type delivers through Git: writes with
 * the SCM integrations' credentials, authors from the catalog, and links
 * to the component's page in commit messages.
 */
export function gitopsPorts(
  config: Config,
  types: EnvironmentTypeSpec[],
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    lifecycle: LifecycleService;
  },
) {
  if (!types.some(t => t.gitops)) return {};
  const baseUrl = config.getOptionalString('app.baseUrl');
  const git = new IsomorphicGitWriter(
    integrationCredentials(ScmIntegrations.fromConfig(config)),
  );
  // the working copies go with the backend
  deps.lifecycle.addShutdownHook(() => git.close());
  return {
    ports: {
      git,
      people: catalogPeople(deps),
    },
    componentLink: (ref: string) => {
      const m = /^component:([^/]+)\/(.+)$/.exec(ref);
      return baseUrl && m
        ? `${baseUrl}/catalog/${m[1]}/component/${m[2]}`
        : undefined;
    },
  };
}
