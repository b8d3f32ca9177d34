import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogRepositoryComponents } from './CatalogRepositoryComponents';
import { pullRequestOf } from './github';
import { mergeRequestOf } from './gitlab';
import { readReviewAppSettings, startReviewApps } from './index';
import { tierDefaults } from '../domain/environments/types';

const component = (
  name: string,
  annotations: Record<string, string>,
  spec: Record<string, string> = { owner: 'team-a' },
) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', ...spec },
});

describe('CatalogRepositoryComponents', () => {
  it('finds components by github.com/project-slug or a source location in the repository', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component(
          'by-slug',
          { 'github.com/project-slug': 'Acme/Hello' },
          {
            owner: 'team-a',
            system: 'shop',
          },
        ),
        component('by-source', {
          'backstage.io/source-location':
            'url:https://github.com/acme/hello/tree/main/services/api/',
        }),
        component('other-repo', {
          'backstage.io/source-location':
            'url:https://github.com/acme/hello-world/tree/main/',
        }),
        component('other-slug', { 'github.com/project-slug': 'acme/other' }),
      ],
    });
    const found = await new CatalogRepositoryComponents({
      catalog,
      auth: mockServices.auth(),
    }).componentsOf({
      fullName: 'acme/hello',
      htmlUrl: 'https://github.com/acme/hello',
    });
    expect(found.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        ref: 'component:default/by-slug',
        name: 'by-slug',
        owner: 'group:default/team-a',
        system: 'system:default/shop',
      },
      {
        ref: 'component:default/by-source',
        name: 'by-source',
        owner: 'group:default/team-a',
      },
    ]);
  });
});

describe('review app settings', () => {
  const types = [
    tierDefaults('development', 'development'),
    tierDefaults('review', 'preview'),
  ];
  const config = (reviewApps?: object) =>
    mockServices.rootConfig({ data: { stagecraft: { reviewApps } } });

  it('is off without the block or when disabled, and defaults to the first preview-tier type', () => {
    expect(readReviewAppSettings(config(), types)).toBeUndefined();
    expect(
      readReviewAppSettings(config({ enabled: false, image: 'x' }), types),
    ).toBeUndefined();
    expect(
      readReviewAppSettings(config({ image: 'r/{component}' }), types),
    ).toEqual({ environmentType: 'review', image: 'r/{component}' });
  });

  it('refuses a type that is not preview-tier', () => {
    expect(() =>
      readReviewAppSettings(
        config({ image: 'x', environmentType: 'development' }),
        types,
      ),
    ).toThrow(/preview-tier/);
  });
});

describe('startReviewApps', () => {
  const start = (events: object) => {
    const subscribe = jest.fn(async () => {});
    const logger = mockServices.logger.mock();
    return {
      subscribe,
      logger,
      started: startReviewApps({
        config: mockServices.rootConfig({
          data: { events, stagecraft: { reviewApps: { image: 'x' } } },
        }),
        logger,
        events: { subscribe, publish: jest.fn() },
        auth: mockServices.auth(),
        catalog: catalogServiceMock(),
        useCases: {} as any,
        environmentTypes: [tierDefaults('preview', 'preview')],
      }),
    };
  };

  it('stays off without a webhook secret (the GitHub module would verify nothing)', async () => {
    const { subscribe, logger, started } = start({});
    expect(await started).toBeUndefined();
    expect(subscribe).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('events.modules.github.webhookSecret'),
    );
  });

  it('subscribes to github.pull_request when signatures are verified', async () => {
    const { subscribe, started } = start({
      modules: { github: { webhookSecret: 's' } },
    });
    expect(await started).toBeDefined();
    expect(subscribe).toHaveBeenCalledWith(
      expect.objectContaining({ topics: ['github.pull_request'] }),
    );
  });
});

describe('pullRequestOf', () => {
  it("reads GitHub's pull_request payload and delivery id, and refuses what is not one", () => {
    const payload = {
      action: 'synchronize',
      number: 3,
      pull_request: { number: 3, head: { sha: 'deadbeef', ref: 'main' } },
      repository: {
        full_name: 'acme/hello',
        html_url: 'https://github.com/acme/hello',
      },
    };
    expect(pullRequestOf(payload, { 'x-github-delivery': 'abc' })).toEqual({
      provider: 'github',
      action: 'synchronize',
      number: 3,
      headSha: 'deadbeef',
      headRef: 'main',
      repository: {
        fullName: 'acme/hello',
        htmlUrl: 'https://github.com/acme/hello',
      },
      deliveryId: 'abc',
    });
    expect(pullRequestOf({ ...payload, repository: {} })).toBeUndefined();
    expect(
      pullRequestOf({
        ...payload,
        pull_request: { number: 3, head: { sha: '$(rm -rf)' } },
      }),
    ).toBeUndefined();
  });
});

describe('mergeRequestOf', () => {
  const payload = (attributes: Record<string, unknown>) => ({
    object_kind: 'merge_request',
    project: {
      path_with_namespace: 'acme/platform/hello',
      web_url: 'https://gitlab.example.com/acme/platform/hello',
    },
    object_attributes: {
      iid: 9,
      action: 'open',
      source_branch: 'feature/x',
      last_commit: { id: 'abcdef0123456789' },
      ...attributes,
    },
  });

  it("reads GitLab's merge request payload: actions as pull request actions, nested groups, the idempotency key", () => {
    expect(mergeRequestOf(payload({}), { 'idempotency-key': 'k1' })).toEqual({
      provider: 'gitlab',
      action: 'opened',
      number: 9,
      headSha: 'abcdef0123456789',
      headRef: 'feature/x',
      repository: {
        fullName: 'acme/platform/hello',
        htmlUrl: 'https://gitlab.example.com/acme/platform/hello',
      },
      deliveryId: 'k1',
    });
    const action = (a: Record<string, unknown>) =>
      mergeRequestOf(payload(a), { 'x-gitlab-event-uuid': 'u1' })?.action;
    expect(action({ action: 'update', oldrev: '1234567abc' })).toBe(
      'synchronize',
    );
    // a title or label change pushes nothing: review apps ignore it
    expect(action({ action: 'update' })).toBe('update');
    expect(action({ action: 'merge' })).toBe('closed');
    expect(action({ action: 'close' })).toBe('closed');
    expect(action({ action: 'reopen' })).toBe('reopened');
    expect(
      mergeRequestOf(payload({}), { 'x-gitlab-event-uuid': 'u1' })?.deliveryId,
    ).toBe('u1');
    expect(
      mergeRequestOf({ ...payload({}), object_kind: 'push' }),
    ).toBeUndefined();
    expect(
      mergeRequestOf(payload({ last_commit: { id: '$(reboot)' } })),
    ).toBeUndefined();
  });

  it('finds the components of a GitLab project by gitlab.com/project-slug or a source location under its URL', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('by-slug', {
          'gitlab.com/project-slug': 'acme/platform/hello',
        }),
        component('by-source', {
          'backstage.io/source-location':
            'url:https://gitlab.example.com/acme/platform/hello/-/tree/main/api',
        }),
        component('sibling', {
          'backstage.io/source-location':
            'url:https://gitlab.example.com/acme/platform/hello-admin/-/tree/main',
        }),
      ],
    });
    const found = await new CatalogRepositoryComponents({
      catalog,
      auth: mockServices.auth(),
    }).componentsOf(mergeRequestOf(payload({}))!.repository);
    expect(found.map(c => c.name).sort()).toEqual(['by-slug', 'by-source']);
  });
});
