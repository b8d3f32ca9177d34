import { ConfigReader } from '@backstage/config';
import { scmPullRequestComments } from './comments';

const repo = (htmlUrl?: string, fullName = 'acme/hello') => ({
  fullName,
  ...(htmlUrl && { htmlUrl }),
});

const comments = () =>
  scmPullRequestComments(
    new ConfigReader({
      integrations: {
        github: [
          // a host with a token, and one without any credentials
          { host: 'github.com', apiBaseUrl: 'http://127.0.0.1:9', token: 'gh' },
          {
            host: 'ghe.example.com',
            apiBaseUrl: 'https://ghe.example.com/api/v3',
          },
        ],
        gitlab: [
          {
            host: 'gitlab.example.com',
            apiBaseUrl: 'http://127.0.0.1:9/api/v4',
            token: 'gl',
          },
        ],
      },
    }),
  );

describe('review apps comments through the SCM integrations', () => {
  const fetchSpy = jest.spyOn(global, 'fetch');
  afterEach(() => fetchSpy.mockReset());

  it('comments only where the host has an integration of that provider with credentials', async () => {
    const c = comments();
    const no = [
      c.upsert(repo('https://gitlab.example.com/acme/hello'), 1, 'x'),
      c.upsert(repo('https://ghe.example.com/acme/hello'), 1, 'x'),
      c.upsert(repo('https://github.com/acme/hello'), 1, 'x', 'gitlab'),
      c.upsert(repo(), 1, 'x'),
    ];
    expect(await Promise.all(no)).toEqual([false, false, false, false]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('says which call the SCM refused, GitHub and GitLab alike', async () => {
    fetchSpy.mockImplementation(
      async () => new Response('{}', { status: 403 }),
    );
    const c = comments();
    await expect(
      c.upsert(repo('https://github.com/acme/hello'), 42, 'x', 'github'),
    ).rejects.toThrow(
      'GitHub answered 403 to GET /repos/acme/hello/issues/42/comments',
    );
    await expect(
      c.upsert(
        repo('https://gitlab.example.com/acme/sub/hello', 'acme/sub/hello'),
        7,
        'x',
        'gitlab',
      ),
    ).rejects.toThrow(
      'GitLab answered 403 to GET /api/v4/projects/acme%2Fsub%2Fhello/merge_requests/7/notes',
    );
    const headers = fetchSpy.mock.calls.map(
      ([, init]) => (init?.headers as Record<string, string>) ?? {},
    );
    expect(headers[0].Authorization).toBe('Bearer gh');
    expect(headers[1].Authorization).toBe('Bearer gl');
  });
});
