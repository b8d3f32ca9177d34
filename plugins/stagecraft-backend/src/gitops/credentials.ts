import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';

/** The username and password a Git client sends over HTTPS. */
export interface GitCredentials {
  forRepository(
    repository: string,
  ): Promise<{ username: string; password: string }>;
}

/**
 * Git credentials from Backstage's SCM integrations (`integrations.*` in
 * app-config, the ones the scaffolder uses): GitHub (a GitHub App's
 * installation token or a token), GitLab, Gitea (also any Git server with
 * basic authentication: give its host and `baseUrl`) and Bitbucket Server.
 * Never a token from a request.
 */
export function integrationCredentials(
  integrations: ScmIntegrationRegistry,
): GitCredentials {
  const github =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return {
    async forRepository(repository) {
      const integration = integrations.byUrl(repository);
      const none = () =>
        new Error(
          `no credentials for ${repository}: add its host to integrations.* in app-config (github, gitlab, gitea or bitbucketServer)`,
        );
      if (!integration) throw none();
      switch (integration.type) {
        case 'github': {
          const { token } = await github.getCredentials({ url: repository });
          if (!token) throw none();
          return { username: 'x-access-token', password: token };
        }
        case 'gitlab': {
          const token = integrations.gitlab.byUrl(repository)?.config.token;
          if (!token) throw none();
          return { username: 'oauth2', password: token };
        }
        case 'gitea': {
          const c: { username?: string; password?: string } =
            integrations.gitea.byUrl(repository)?.config ?? {};
          if (!c.username || !c.password) throw none();
          return { username: c.username, password: c.password };
        }
        case 'bitbucketServer': {
          const c: { token?: string; username?: string; password?: string } =
            integrations.bitbucketServer.byUrl(repository)?.config ?? {};
          if (c.username && c.password) {
            return { username: c.username, password: c.password };
          }
          if (c.token) return { username: 'x-token-auth', password: c.token };
          throw none();
        }
        default:
          throw new Error(
            `${repository}: integrations of type ${integration.type} are not supported for GitOps delivery (github, gitlab, gitea, bitbucketServer)`,
          );
      }
    },
  };
}
