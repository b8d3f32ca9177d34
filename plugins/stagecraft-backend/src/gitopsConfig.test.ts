import { ConfigReader } from '@backstage/config';
import { readDelivery } from './gitopsConfig';

const read = (c: Record<string, unknown>) =>
  readDelivery(new ConfigReader(c as any), 'stagecraft.environmentTypes[1]');

describe('readDelivery', () => {
  it('is apply (no settings) by default', () => {
    expect(read({})).toBeUndefined();
    expect(read({ delivery: 'apply' })).toBeUndefined();
  });

  it('fills the defaults of gitops', () => {
    expect(
      read({
        delivery: 'gitops',
        gitops: { repository: 'https://github.com/acme/deploy' },
      }),
    ).toEqual({
      repository: 'https://github.com/acme/deploy',
      branch: 'main',
      path: '{cluster}/{environment}',
      interval: '1m',
      namespace: 'stagecraft-gitops',
    });
  });

  it.each([
    [
      { delivery: 'push' },
      'stagecraft.environmentTypes[1].delivery must be "apply" or "gitops"',
    ],
    [
      { delivery: 'gitops' },
      'stagecraft.environmentTypes[1].gitops is required',
    ],
    [
      { gitops: { repository: 'https://x/y' } },
      'stagecraft.environmentTypes[1].gitops is set but',
    ],
    [
      {
        delivery: 'gitops',
        gitops: { repository: 'https://u:token@github.com/a/b' },
      },
      'gitops.repository must be an http(s) URL without credentials',
    ],
    [
      { delivery: 'gitops', gitops: { repository: 'git@github.com:a/b.git' } },
      'gitops.repository must be a',
    ],
    [
      {
        delivery: 'gitops',
        gitops: { repository: 'https://x/y', path: 'apps/{cluster}' },
      },
      'gitops.path must contain {environment}',
    ],
    [
      {
        delivery: 'gitops',
        gitops: { repository: 'https://x/y', path: '../{environment}' },
      },
      'no "." or ".." segment',
    ],
    [
      {
        delivery: 'gitops',
        gitops: { repository: 'https://x/y', interval: 'soon' },
      },
      'gitops.interval must be a duration',
    ],
    [
      {
        delivery: 'gitops',
        gitops: { repository: 'https://x/y', branch: 'a..b' },
      },
      'gitops.branch is not a branch name',
    ],
  ])('refuses %j naming the key', (config, message) => {
    expect(() => read(config)).toThrow(message);
  });
});
