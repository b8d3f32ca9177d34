import type {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import type { EnvironmentTypeSpec } from '../domain/environments/types';
import {
  ReviewApps,
  ReviewAppSettings,
  ReviewAppUseCases,
} from '../domain/reviewApps/ReviewApps';
import { hostFor } from '../domain/policy/exposure';
import { CatalogRepositoryComponents } from './CatalogRepositoryComponents';
import { GITHUB_PULL_REQUEST_TOPIC, pullRequestOf } from './github';
import { GITLAB_MERGE_REQUEST_TOPIC, mergeRequestOf } from './gitlab';
import { scmPullRequestComments } from './comments';

/** The actor review apps act as, in audit rows and revisions. */
export const REVIEW_APPS_ACTOR = 'system:stagecraft-review-apps';

/** `stagecraft.reviewApps`, or undefined when review apps are off. */
export function readReviewAppSettings(
  config: RootConfigService,
  types: EnvironmentTypeSpec[],
): ReviewAppSettings | undefined {
  const c = config.getOptionalConfig('stagecraft.reviewApps');
  if (!c || c.getOptionalBoolean('enabled') === false) return undefined;
  const environmentType =
    c.getOptionalString('environmentType') ??
    types.find(t => t.tier === 'preview')?.name;
  const type = types.find(t => t.name === environmentType);
  if (!type || type.tier !== 'preview') {
    throw new Error(
      `stagecraft.reviewApps.environmentType must name a preview-tier environment type; ${
        environmentType ?? 'none is configured'
      } is not one`,
    );
  }
  const ttl = c.getOptionalString('ttl');
  return {
    environmentType: type.name,
    image: c.getString('image'),
    ...(ttl && { ttl }),
  };
}

/** Whether the GitLab webhook module checks `X-Gitlab-Token` (it needs a secret). */
function gitlabTokensVerified(config: RootConfigService): boolean {
  return !!config.getOptionalString('events.modules.gitlab.webhookSecret');
}

/** Whether the GitHub webhook module verifies signatures (it needs a secret). */
function githubSignaturesVerified(config: RootConfigService): boolean {
  if (config.getOptionalString('events.modules.github.webhookSecret')) {
    return true;
  }
  return (config.getOptionalConfigArray('integrations.github') ?? []).some(i =>
    (i.getOptionalConfigArray('apps') ?? []).some(a =>
      a.getOptionalString('webhookSecret'),
    ),
  );
}

/**
 * The review apps door: subscribes to GitHub's pull request events (the
 * events backend's `/api/events/http/github` ingress, whose signature the
 * GitHub webhook module verifies) and hands them to `ReviewApps`. The
 * webhook is answered at once; the work runs after, in order per pull
 * request, and its outcome is logged.
 */
export async function startReviewApps(deps: {
  config: RootConfigService;
  logger: LoggerService;
  events: EventsService;
  auth: AuthService;
  catalog: CatalogService;
  useCases: ReviewAppUseCases;
  environmentTypes: EnvironmentTypeSpec[];
}): Promise<ReviewApps | undefined> {
  const { config, logger } = deps;
  const settings = readReviewAppSettings(config, deps.environmentTypes);
  if (!settings) return undefined;
  // only events whose origin the events backend's webhook module verified
  const sources = [
    ...(githubSignaturesVerified(config)
      ? [{ topic: GITHUB_PULL_REQUEST_TOPIC, parse: pullRequestOf }]
      : []),
    ...(gitlabTokensVerified(config)
      ? [{ topic: GITLAB_MERGE_REQUEST_TOPIC, parse: mergeRequestOf }]
      : []),
  ];
  if (!sources.length) {
    logger.warn(
      'Stagecraft review apps are off: set events.modules.github.webhookSecret (the GitHub webhook module verifies X-Hub-Signature-256) or events.modules.gitlab.webhookSecret (the GitLab module checks X-Gitlab-Token)',
    );
    return undefined;
  }
  const type = deps.environmentTypes.find(
    t => t.name === settings.environmentType,
  );
  const pattern = type?.ingressHostPattern;
  const baseUrl = config.getOptionalString('app.baseUrl')?.replace(/\/+$/, '');
  const reviewApps = new ReviewApps({
    useCases: deps.useCases,
    components: new CatalogRepositoryComponents(deps),
    actor: async () => ({
      ref: REVIEW_APPS_ACTOR,
      credentials: await deps.auth.getOwnServiceCredentials(),
    }),
    settings,
    // the pull request hears where its app runs, through the repository
    // host's GitHub or GitLab integration (its token, or a GitHub App)
    ...(config.getOptionalBoolean('stagecraft.reviewApps.comments') !==
      false && {
      comments: scmPullRequestComments(config),
      links: {
        environmentPage: env =>
          `${baseUrl ?? ''}/catalog/default/environment/${env}`,
        ...(pattern && {
          // the component's host under the review type's pattern (the
          // route preset's default host)
          appUrl: (component: string, env: string) =>
            `http://${hostFor(pattern, component, env, env)}`,
        }),
      },
    }),
  });
  await deps.events.subscribe({
    id: 'stagecraft-review-apps',
    topics: sources.map(source => source.topic),
    onEvent: async params => {
      const source = sources.find(x => x.topic === params.topic);
      const event = source?.parse(
        params.eventPayload,
        params.metadata as Record<string, string | string[] | undefined>,
      );
      if (!event) {
        logger.warn(
          `review apps: not a pull or merge request payload (${params.topic}); ignored`,
        );
        return;
      }
      const what = `${event.repository.fullName}#${event.number} ${
        event.action
      }${event.deliveryId ? ` (delivery ${event.deliveryId})` : ''}`;
      reviewApps.handle(event).then(
        outcomes => {
          for (const o of outcomes) {
            const line = `review apps: ${what}: ${o.environment || '-'} ${
              o.result
            }${o.image ? ` ${o.image}` : ''}${
              o.message ? ` (${o.message})` : ''
            }`;
            if (o.result === 'failed') logger.warn(line);
            else logger.info(line);
          }
        },
        e => logger.warn(`review apps: ${what}: ${(e as Error).message}`),
      );
    },
  });
  logger.info(
    `Stagecraft review apps: pull requests (${sources
      .map(x => x.topic)
      .join(', ')}) of catalog components' repositories get a ${
      settings.environmentType
    } environment running ${settings.image}`,
  );
  return reviewApps;
}
