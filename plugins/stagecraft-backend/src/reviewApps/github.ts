import type { PullRequestEvent } from '../domain/reviewApps/ReviewApps';

/** The events topic the GitHub event router publishes pull requests on. */
export const GITHUB_PULL_REQUEST_TOPIC = 'github.pull_request';

/** One header of an event's metadata (the first, when repeated). */
export const header = (
  metadata: Record<string, string | string[] | undefined> | undefined,
  name: string,
) => {
  const v = metadata?.[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * GitHub's `pull_request` webhook payload as a `PullRequestEvent`, or
 * undefined when it is not one (missing fields).
 */
export function pullRequestOf(
  payload: unknown,
  metadata?: Record<string, string | string[] | undefined>,
): PullRequestEvent | undefined {
  const p = payload as {
    action?: unknown;
    number?: unknown;
    pull_request?: {
      number?: unknown;
      head?: { sha?: unknown; ref?: unknown };
    };
    repository?: { full_name?: unknown; html_url?: unknown };
  } | null;
  const number = p?.pull_request?.number ?? p?.number;
  const sha = p?.pull_request?.head?.sha;
  const fullName = p?.repository?.full_name;
  if (
    typeof p?.action !== 'string' ||
    !Number.isInteger(number) ||
    typeof sha !== 'string' ||
    !/^[0-9a-f]{7,64}$/i.test(sha) ||
    typeof fullName !== 'string' ||
    !/^[\w.-]+\/[\w.-]+$/.test(fullName)
  ) {
    return undefined;
  }
  const ref = p.pull_request?.head?.ref;
  const html = p.repository?.html_url;
  const deliveryId = header(metadata, 'x-github-delivery');
  return {
    provider: 'github',
    action: p.action,
    number: number as number,
    headSha: sha,
    ...(typeof ref === 'string' && { headRef: ref }),
    repository: {
      fullName,
      ...(typeof html === 'string' && { htmlUrl: html }),
    },
    ...(deliveryId && { deliveryId }),
  };
}
