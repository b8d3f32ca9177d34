import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import type { PullRequestComments } from '../domain/reviewApps/ReviewApps';
import { gitlabMergeRequestComments } from './gitlabComments';
import { upsertWithIntegration } from './scmCall';

/**
 * Review apps' pull request comment on GitHub (and GitHub Enterprise),
 * through Backstage's GitHub integration of the repository's host: its
 * token or GitHub App (`integrations.github`), its API base URL. One comment
 * per pull request, found again by its marker and edited in place, so a
 * redelivered webhook or a new push never adds a second one.
 */
export function githubPullRequestComments(
  integrations: ScmIntegrationRegistry,
  credentials: GithubCredentialsProvider = DefaultGithubCredentialsProvider.fromIntegrations(
    integrations,
  ),
): PullRequestComments {
  return {
    upsert: (repository, number, body) =>
      upsertWithIntegration(repository.htmlUrl, body, {
        provider: 'GitHub',
        apiBaseUrl: url => integrations.github.byUrl(url)?.config.apiBaseUrl,
        headers: async url => {
          const { token } = await credentials.getCredentials({ url });
          return token
            ? {
                Authorization: `Bearer ${token}`,
                Accept: 'application/vnd.github+json',
                'X-GitHub-Api-Version': '2022-11-28',
              }
            : undefined;
        },
        comments: api => {
          const repo = `${api}/repos/${repository.fullName}`;
          return {
            page: n =>
              `${repo}/issues/${number}/comments?per_page=100&page=${n}`,
            edit: id => ['PATCH', `${repo}/issues/comments/${id}`],
            create: ['POST', `${repo}/issues/${number}/comments`],
          };
        },
      }),
  };
}

/**
 * Review apps' comment through the SCM integration of the event's provider:
 * GitHub pull requests and GitLab merge requests.
 */
export function scmPullRequestComments(
  config: RootConfigService,
): PullRequestComments {
  const integrations = ScmIntegrations.fromConfig(config);
  const github = githubPullRequestComments(integrations);
  const gitlab = gitlabMergeRequestComments(integrations);
  return {
    upsert: (repository, number, body, provider) =>
      (provider === 'gitlab' ? gitlab : github).upsert(
        repository,
        number,
        body,
      ),
  };
}
