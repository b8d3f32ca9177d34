import { REVIEW_COMMENT_MARKER } from '../domain/reviewApps/ReviewApps';

/**
 * One JSON call to an SCM's REST API with the integration's headers; a
 * non-2xx answer is an error naming the provider, status, method and path
 * (never the query or the credentials).
 */
export function scmCall(provider: string, headers: Record<string, string>) {
  return async (method: string, url: string, payload?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    if (!res.ok) {
      throw new Error(
        `${provider} answered ${res.status} to ${method} ${
          new URL(url).pathname
        }`,
      );
    }
    return res.json();
  };
}

/** Pages of comments read to find review apps' own (100 each). */
const MAX_PAGES = 10;

/**
 * Edits the comment whose body starts with `marker` (found in the first
 * pages of the list), or creates one: a redelivered webhook or a new push
 * never adds a second comment.
 */
export async function upsertMarkedComment(
  call: ReturnType<typeof scmCall>,
  options: {
    marker: string;
    /** The list URL of one page (100 comments). */
    page(n: number): string;
    /** Method and URL that edit comment `id`. */
    edit(id: number): [string, string];
    create: [string, string];
    body: string;
  },
): Promise<void> {
  let existing: number | undefined;
  for (let n = 1; n <= MAX_PAGES && existing === undefined; n++) {
    const list = (await call('GET', options.page(n))) as Array<{
      id: number;
      body?: string;
    }>;
    existing = list.find(c => c.body?.startsWith(options.marker))?.id;
    if (list.length < 100) break;
  }
  const [method, url] =
    existing !== undefined ? options.edit(existing) : options.create;
  await call(method, url, { body: options.body });
}

/**
 * A review apps comment through the SCM integration of the repository's
 * host: its API base URL and credentials' headers (false, nothing sent,
 * when the host has no integration or no credentials), then the marked
 * comment upserted at the `comments` endpoints of that API.
 */
export async function upsertWithIntegration(
  repositoryUrl: string | undefined,
  body: string,
  scm: {
    provider: string;
    apiBaseUrl(url: string): string | undefined;
    headers(url: string): Promise<Record<string, string> | undefined>;
    /** The comment list's pages, an edit and a create at `api` (no trailing slash). */
    comments(
      api: string,
    ): Pick<
      Parameters<typeof upsertMarkedComment>[1],
      'page' | 'edit' | 'create'
    >;
  },
): Promise<boolean> {
  if (!repositoryUrl) return false;
  const api = scm.apiBaseUrl(repositoryUrl);
  if (!api) return false;
  const headers = await scm.headers(repositoryUrl);
  if (!headers) return false;
  await upsertMarkedComment(scmCall(scm.provider, headers), {
    ...scm.comments(api.replace(/\/+$/, '')),
    marker: REVIEW_COMMENT_MARKER,
    body,
  });
  return true;
}
