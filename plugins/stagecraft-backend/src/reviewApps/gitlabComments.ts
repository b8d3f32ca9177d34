import {
  DefaultGitlabCredentialsProvider,
  GitlabCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  PullRequestComments,
  PullRequestEvent,
  REVIEW_COMMENT_MARKER,
} from '../domain/reviewApps/ReviewApps';
import { scmCall, upsertMarkedComment } from './scmCall';

/**
 * Review apps' merge request note on GitLab, through Backstage's GitLab
 * integration of the project's host (`integrations.gitlab`: its token and
 * `apiBaseUrl`). One note per merge request, found again by its marker and
 * edited in place.
 */
export class GitlabMergeRequestComments implements PullRequestComments {
  static fromIntegrations(
    integrations: ScmIntegrationRegistry,
  ): GitlabMergeRequestComments {
    return new GitlabMergeRequestComments(
      integrations,
      DefaultGitlabCredentialsProvider.fromIntegrations(integrations),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GitlabCredentialsProvider,
  ) {}

  async upsert(
    repository: PullRequestEvent['repository'],
    number: number,
    body: string,
  ): Promise<boolean> {
    if (!repository.htmlUrl) return false;
    const integration = this.integrations.gitlab.byUrl(repository.htmlUrl);
    const api = integration?.config.apiBaseUrl;
    if (!api) return false;
    const { headers: auth, token } = await this.credentials.getCredentials({
      url: repository.htmlUrl,
    });
    if (!token && !auth) return false;
    // the integration's own headers (Authorization: Bearer <token>)
    const call = scmCall('GitLab', auth ?? { 'PRIVATE-TOKEN': token! });
    const notes = `${api.replace(/\/+$/, '')}/projects/${encodeURIComponent(
      repository.fullName,
    )}/merge_requests/${number}/notes`;
    await upsertMarkedComment(call, {
      marker: REVIEW_COMMENT_MARKER,
      page: n => `${notes}?per_page=100&page=${n}`,
      edit: id => ['PUT', `${notes}/${id}`],
      create: ['POST', notes],
      body,
    });
    return true;
  }
}
