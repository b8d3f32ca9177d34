import {
  DefaultGitlabCredentialsProvider,
  GitlabCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { PullRequestComments } from '../domain/reviewApps/ReviewApps';
import { upsertWithIntegration } from './scmCall';

/**
 * Review apps' merge request note on GitLab, through Backstage's GitLab
 * integration of the project's host (`integrations.gitlab`: its token and
 * `apiBaseUrl`). One note per merge request, found again by its marker and
 * edited in place.
 */
export function gitlabMergeRequestComments(
  integrations: ScmIntegrationRegistry,
  credentials: GitlabCredentialsProvider = DefaultGitlabCredentialsProvider.fromIntegrations(
    integrations,
  ),
): PullRequestComments {
  return {
    upsert: (repository, number, body) =>
      upsertWithIntegration(repository.htmlUrl, body, {
        provider: 'GitLab',
        apiBaseUrl: url => integrations.gitlab.byUrl(url)?.config.apiBaseUrl,
        headers: async url => {
          const { headers, token } = await credentials.getCredentials({
            url,
          });
          // the integration's own headers (Authorization: Bearer <token>)
          return headers ?? (token ? { 'PRIVATE-TOKEN': token } : undefined);
        },
        comments: api => {
          const notes = `${api}/projects/${encodeURIComponent(
            repository.fullName,
          )}/merge_requests/${number}/notes`;
          return {
            page: n => `${notes}?per_page=100&page=${n}`,
            edit: id => ['PUT', `${notes}/${id}`],
            create: ['POST', notes],
          };
        },
      }),
  };
}
