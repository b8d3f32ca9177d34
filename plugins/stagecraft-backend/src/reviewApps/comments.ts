import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import {
  PullRequestComments,
  PullRequestEvent,
  REVIEW_COMMENT_MARKER,
} from '../domain/reviewApps/ReviewApps';
import { GitlabMergeRequestComments } from './gitlabComments';
import { scmCall, upsertMarkedComment } from './scmCall';

/**
 * Review apps' pull request comment on GitHub (and GitHub Enterprise),
 * through Backstage's GitHub integration of the repository's host: its
 * token or GitHub App (`integrations.github`), its API base URL. One comment
 * per pull request, found again by its marker and edited in place, so a
 * redelivered webhook or a new push never adds a second one.
 */
export class GithubPullRequestComments implements PullRequestComments {
  static fromIntegrations(
    integrations: ScmIntegrationRegistry,
  ): GithubPullRequestComments {
    return new GithubPullRequestComments(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  async upsert(
    repository: PullRequestEvent['repository'],
    number: number,
    body: string,
  ): Promise<boolean> {
    if (!repository.htmlUrl) return false;
    const integration = this.integrations.github.byUrl(repository.htmlUrl);
    const api = integration?.config.apiBaseUrl;
    if (!api) return false;
    const { token } = await this.credentials.getCredentials({
      url: repository.htmlUrl,
    });
    if (!token) return false;
    const call = scmCall('GitHub', {
      Authorization: `Bearer ${token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
    });
    const repo = `${api.replace(/\/+$/, '')}/repos/${repository.fullName}`;
    await upsertMarkedComment(call, {
      marker: REVIEW_COMMENT_MARKER,
      page: n => `${repo}/issues/${number}/comments?per_page=100&page=${n}`,
      edit: id => ['PATCH', `${repo}/issues/comments/${id}`],
      create: ['POST', `${repo}/issues/${number}/comments`],
      body,
    });
    return true;
  }
}

/**
 * Review apps' comment through the SCM integration of the event's provider:
 * GitHub pull requests and GitLab merge requests.
 */
export function scmPullRequestComments(
  config: RootConfigService,
): PullRequestComments {
  const integrations = ScmIntegrations.fromConfig(config);
  const github = GithubPullRequestComments.fromIntegrations(integrations);
  const gitlab = GitlabMergeRequestComments.fromIntegrations(integrations);
  return {
    upsert: (repository, number, body, provider) =>
      (provider === 'gitlab' ? gitlab : github).upsert(
        repository,
        number,
        body,
      ),
  };
}
