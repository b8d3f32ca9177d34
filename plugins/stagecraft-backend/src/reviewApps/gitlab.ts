import type { PullRequestEvent } from '../domain/reviewApps/ReviewApps';
import { header } from './github';

/** The events topic the GitLab event router publishes merge requests on. */
export const GITLAB_MERGE_REQUEST_TOPIC = 'gitlab.merge_request';

/** GitLab's merge request actions as review apps' pull request actions. */
const ACTIONS: Record<string, string> = {
  open: 'opened',
  reopen: 'reopened',
  close: 'closed',
  merge: 'closed',
};

/**
 * GitLab's merge request webhook payload (`object_kind: merge_request`) as a
 * `PullRequestEvent`, or undefined when it is not one. An `update` that
 * pushed commits (`oldrev` set) is a `synchronize`; other updates (title,
 * labels, approvals) keep their own action, which review apps ignore. The
 * delivery id is GitLab's `Idempotency-Key` (the same on retries), else
 * `X-Gitlab-Event-UUID`.
 */
export function mergeRequestOf(
  payload: unknown,
  metadata?: Record<string, string | string[] | undefined>,
): PullRequestEvent | undefined {
  const p = payload as {
    object_kind?: unknown;
    project?: { path_with_namespace?: unknown; web_url?: unknown };
    object_attributes?: {
      iid?: unknown;
      action?: unknown;
      oldrev?: unknown;
      source_branch?: unknown;
      last_commit?: { id?: unknown };
    };
  } | null;
  const mr = p?.object_attributes;
  const fullName = p?.project?.path_with_namespace;
  const sha = mr?.last_commit?.id;
  if (
    p?.object_kind !== 'merge_request' ||
    typeof mr?.action !== 'string' ||
    !Number.isInteger(mr.iid) ||
    typeof sha !== 'string' ||
    !/^[0-9a-f]{7,64}$/i.test(sha) ||
    typeof fullName !== 'string' ||
    !/^[\w.-]+(\/[\w.-]+)+$/.test(fullName)
  ) {
    return undefined;
  }
  const action =
    mr.action === 'update' && typeof mr.oldrev === 'string'
      ? 'synchronize'
      : ACTIONS[mr.action] ?? mr.action;
  const web = p.project?.web_url;
  const deliveryId =
    header(metadata, 'idempotency-key') ??
    header(metadata, 'x-gitlab-event-uuid');
  return {
    provider: 'gitlab',
    action,
    number: mr.iid as number,
    headSha: sha,
    ...(typeof mr.source_branch === 'string' && {
      headRef: mr.source_branch,
    }),
    repository: {
      fullName,
      ...(typeof web === 'string' && { htmlUrl: web }),
    },
    ...(deliveryId && { deliveryId }),
  };
}
