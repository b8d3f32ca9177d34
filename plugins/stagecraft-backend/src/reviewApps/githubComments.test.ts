import { ConfigReader } from '@backstage/config';
import { GithubPullRequestComments } from './githubComments';

const repo = (htmlUrl?: string) => ({
  fullName: 'acme/hello',
  ...(htmlUrl && { htmlUrl }),
});

describe('GithubPullRequestComments', () => {
  const fetchSpy = jest.spyOn(global, 'fetch');
  afterEach(() => fetchSpy.mockReset());

  it('comments only where the repository host has a GitHub integration with credentials', async () => {
    const comments = GithubPullRequestComments.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            // a host with a token, and one without any credentials
            { host: 'github.com', token: 'gh-token' },
            {
              host: 'ghe.example.com',
              apiBaseUrl: 'https://ghe.example.com/api/v3',
            },
          ],
        },
      }),
    );
    expect(
      await comments.upsert(
        repo('https://gitlab.example.com/acme/hello'),
        1,
        'x',
      ),
    ).toBe(false);
    expect(
      await comments.upsert(repo('https://ghe.example.com/acme/hello'), 1, 'x'),
    ).toBe(false);
    expect(await comments.upsert(repo(), 1, 'x')).toBe(false);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('says which call GitHub refused', async () => {
    fetchSpy.mockResolvedValue(new Response('{}', { status: 403 }));
    const comments = GithubPullRequestComments.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host: 'github.com',
              apiBaseUrl: 'http://127.0.0.1:9',
              token: 'gh-token',
            },
          ],
        },
      }),
    );
    await expect(
      comments.upsert(repo('https://github.com/acme/hello'), 42, 'x'),
    ).rejects.toThrow(
      'GitHub answered 403 to GET /repos/acme/hello/issues/42/comments',
    );
  });
});
