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

/** Pages of comments read to find review apps' own (100 each). */
const MAX_PAGES = 10;

/**
 * Review apps' pull request comment on GitHub (and GitHub Enterprise),
 * through Backstage's GitHub integration of the repository's host: its
 * token or GitHub App (`integrations.github`), its API base URL. One comment
 * per pull request, found again by its marker and edited in place, so a
 * redelivered webhook or a new push never adds a second one.
 */
export class GithubPullRequestComments implements PullRequestComments {
  static fromConfig(config: RootConfigService): GithubPullRequestComments {
    const integrations = ScmIntegrations.fromConfig(config);
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
    const headers = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'Content-Type': 'application/json',
    };
    const repo = `${api.replace(/\/+$/, '')}/repos/${repository.fullName}`;
    const call = async (method: string, url: string, payload?: unknown) => {
      const res = await fetch(url, {
        method,
        headers,
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
      });
      if (!res.ok) {
        throw new Error(
          `GitHub answered ${res.status} to ${method} ${new URL(url).pathname}`,
        );
      }
      return res.json();
    };
    let existing: number | undefined;
    for (let page = 1; page <= MAX_PAGES && existing === undefined; page++) {
      const list = (await call(
        'GET',
        `${repo}/issues/${number}/comments?per_page=100&page=${page}`,
      )) as Array<{ id: number; body?: string }>;
      existing = list.find(c => c.body?.startsWith(REVIEW_COMMENT_MARKER))?.id;
      if (list.length < 100) break;
    }
    if (existing !== undefined) {
      await call('PATCH', `${repo}/issues/comments/${existing}`, { body });
    } else {
      await call('POST', `${repo}/issues/${number}/comments`, { body });
    }
    return true;
  }
}
