/**
 * Review apps (Heroku's): a pull request on a catalog component's repository
 * gets a preview environment `<component>-pr-<n>` running the image its CI
 * built; closing the pull request deletes it. Plain TypeScript: the event
 * door (src/reviewApps/) translates GitHub's payload into a
 * `PullRequestEvent`; everything is done through the environment and
 * deployment use cases as one service actor, so permissions, the preview
 * type's policy and audit apply as for a click.
 */
import { NotFoundError } from '../errors';
import type { Actor } from '../ports';

/** What the door tells about a pull request (provider-neutral). */
export interface PullRequestEvent {
  /** Where it comes from (default `github`); a GitLab merge request is one too. */
  provider?: 'github' | 'gitlab';
  /** The webhook delivery id (`X-GitHub-Delivery`, GitLab's `Idempotency-Key`), when known. */
  deliveryId?: string;
  /** `opened`, `reopened`, `synchronize`, `closed`, … (others are ignored). */
  action: string;
  /** `owner/name` (GitLab: the project's path, groups included) and its web URL. */
  repository: { fullName: string; htmlUrl?: string };
  number: number;
  headSha: string;
  headRef?: string;
}

/** A catalog component whose repository the pull request is on. */
export interface ReviewComponent {
  /** `component:default/hello` */
  ref: string;
  name: string;
  /** The component's owner: the review environment's owner. */
  owner: string;
  system?: string;
}

/** Finds the catalog components of a repository. */
export interface RepositoryComponents {
  componentsOf(
    repository: PullRequestEvent['repository'],
  ): Promise<ReviewComponent[]>;
}

/** The slice of the environment and deployment use cases review apps use. */
export interface ReviewAppUseCases {
  environments: {
    get(
      actor: Actor,
      name: unknown,
    ): Promise<{ name: string; createdBy: string }>;
    create(actor: Actor, body: unknown): Promise<{ created: boolean }>;
    delete(actor: Actor, name: unknown, body: unknown): Promise<void>;
  };
  deployments: {
    deployments(
      actor: Actor,
      componentRef: unknown,
    ): Promise<Array<{ environment: string; revision?: { image: string } }>>;
    deploy(
      actor: Actor,
      componentRef: unknown,
      body: unknown,
    ): Promise<{ revision?: { revision: number }; pending?: unknown }>;
  };
}

/**
 * The pull request's comment from review apps (one per pull request, kept
 * up to date), through the SCM integration of its repository.
 */
export interface PullRequestComments {
  /**
   * Creates the review-app comment (the first line of `body` is its marker)
   * or updates the one that carries the marker; false when no integration
   * may comment on that repository.
   */
  upsert(
    repository: PullRequestEvent['repository'],
    number: number,
    body: string,
    provider?: PullRequestEvent['provider'],
  ): Promise<boolean>;
}

/** Where a person finds a review environment and the app it runs. */
export interface ReviewAppLinks {
  /** The environment's page in Backstage. */
  environmentPage(environment: string): string;
  /** The app's address (its host under the type's ingressHostPattern), if any. */
  appUrl?(component: string, environment: string): string | undefined;
}

/** The first line of review apps' pull request comment. */
export const REVIEW_COMMENT_MARKER = '<!-- stagecraft:review-app -->';

export interface ReviewAppSettings {
  /** The environment type of review environments (a preview-tier type). */
  environmentType: string;
  /**
   * The image a pull request's CI pushed: `{component}`, `{number}`, `{sha}`,
   * `{shortSha}`, `{branch}`, `{owner}`, `{repo}` are replaced, e.g.
   * `ghcr.io/acme/{component}:pr-{number}-{shortSha}`.
   */
  image: string;
  /** Optional TTL of review environments, e.g. `7d` (the type's maximum applies). */
  ttl?: string;
}

/** What one pull request event did to one component's review environment. */
export interface ReviewAppOutcome {
  environment: string;
  component?: string;
  result:
    | 'created'
    | 'deployed'
    | 'unchanged'
    | 'pending-approval'
    | 'deleted'
    | 'absent'
    | 'not-ours'
    | 'ignored'
    | 'duplicate'
    | 'failed';
  image?: string;
  message?: string;
}

const OPENING = new Set(['opened', 'reopened', 'synchronize']);
const SEEN_DELIVERIES = 1000;

/** `pattern` with the pull request's placeholders filled in. */
export function reviewImage(
  pattern: string,
  component: string,
  e: PullRequestEvent,
): string {
  // GitLab's nested groups: the owner is everything before the last part
  const parts = e.repository.fullName.split('/');
  const repo = parts.pop();
  const owner = parts.join('/');
  const values: Record<string, string> = {
    component,
    number: String(e.number),
    sha: e.headSha,
    shortSha: e.headSha.slice(0, 7),
    branch: (e.headRef ?? '').replace(/[^A-Za-z0-9_.-]/g, '-'),
    owner: owner ?? '',
    repo: repo ?? '',
  };
  return pattern.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? values[key] : whole,
  );
}

/** The review environment's name of a component's pull request. */
export const reviewEnvironmentName = (component: string, n: number) =>
  `${component}-pr-${n}`;

export class ReviewApps {
  /** Delivery ids handled successfully (most recent last). */
  private readonly seen = new Set<string>();
  /** One chain per pull request: its events run in the order received. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: {
      useCases: ReviewAppUseCases;
      components: RepositoryComponents;
      /** The service actor review apps act as (with its credentials). */
      actor: () => Promise<Actor>;
      settings: ReviewAppSettings;
      /** Comments the outcome on the pull request (where configured). */
      comments?: PullRequestComments;
      links?: ReviewAppLinks;
    },
  ) {}

  /**
   * Handles one event after the pull request's earlier ones. A redelivery
   * (same delivery id) or an event that asks for what already is changes
   * nothing.
   */
  handle(e: PullRequestEvent): Promise<ReviewAppOutcome[]> {
    const key = `${e.repository.fullName.toLocaleLowerCase('en-US')}#${
      e.number
    }`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.handleNow(e));
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }

  private async handleNow(e: PullRequestEvent): Promise<ReviewAppOutcome[]> {
    const opening = OPENING.has(e.action);
    if (!opening && e.action !== 'closed') {
      return [{ environment: '', result: 'ignored', message: e.action }];
    }
    if (e.deliveryId && this.seen.has(e.deliveryId)) {
      return [{ environment: '', result: 'duplicate', message: e.deliveryId }];
    }
    const components = await this.deps.components.componentsOf(e.repository);
    if (!components.length) {
      return [
        {
          environment: '',
          result: 'ignored',
          message: `${e.repository.fullName} is no catalog component's repository`,
        },
      ];
    }
    const actor = await this.deps.actor();
    const outcomes: ReviewAppOutcome[] = [];
    for (const c of components) {
      const environment = reviewEnvironmentName(c.name, e.number);
      try {
        outcomes.push(
          opening
            ? await this.open(actor, c, environment, e)
            : await this.close(actor, c, environment),
        );
      } catch (err) {
        outcomes.push({
          environment,
          component: c.ref,
          result: 'failed',
          message: (err as Error).message,
        });
      }
    }
    const comment = await this.comment(e, outcomes);
    if (comment) outcomes.push(comment);
    if (e.deliveryId && outcomes.every(o => o.result !== 'failed')) {
      this.seen.add(e.deliveryId);
      if (this.seen.size > SEEN_DELIVERIES) {
        this.seen.delete(this.seen.values().next().value!);
      }
    }
    return outcomes;
  }

  /**
   * Tells the pull request what its review apps are (or that they are
   * gone): one comment, updated on every event. A comment that cannot be
   * written is a failed outcome (the delivery is not marked seen, so a
   * redelivery tries again); the environments stay as they are.
   */
  private async comment(
    e: PullRequestEvent,
    outcomes: ReviewAppOutcome[],
  ): Promise<ReviewAppOutcome | undefined> {
    const { comments } = this.deps;
    // nothing new to say of an environment someone else owns, or of one
    // already gone (a redelivered close keeps the comment as it was)
    const shown = outcomes.filter(
      o => o.component && o.result !== 'not-ours' && o.result !== 'absent',
    );
    if (!comments || !shown.length) return undefined;
    try {
      const written = await comments.upsert(
        e.repository,
        e.number,
        reviewComment(e, shown, this.deps.links),
        e.provider,
      );
      return written
        ? undefined
        : {
            environment: '',
            result: 'ignored',
            message: `no SCM integration may comment on ${e.repository.fullName}`,
          };
    } catch (err) {
      return {
        environment: '',
        result: 'failed',
        message: `commenting on ${e.repository.fullName}#${e.number}: ${
          (err as Error).message
        }`,
      };
    }
  }

  /** Who created the environment; undefined when there is none. */
  private async creatorOf(
    actor: Actor,
    name: string,
  ): Promise<string | undefined> {
    try {
      return (await this.deps.useCases.environments.get(actor, name)).createdBy;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** An environment of that name someone else made: review apps leave it be. */
  private notOurs(
    environment: string,
    c: ReviewComponent,
    creator: string,
  ): ReviewAppOutcome {
    return {
      environment,
      component: c.ref,
      result: 'not-ours',
      message: `created by ${creator}, not by review apps; left alone`,
    };
  }

  private async open(
    actor: Actor,
    c: ReviewComponent,
    environment: string,
    e: PullRequestEvent,
  ): Promise<ReviewAppOutcome> {
    const { environments, deployments } = this.deps.useCases;
    const { settings } = this.deps;
    const image = reviewImage(settings.image, c.name, e);
    let created = false;
    const creator = await this.creatorOf(actor, environment);
    if (creator && creator !== actor.ref) {
      return this.notOurs(environment, c, creator);
    }
    if (!creator) {
      ({ created } = await environments.create(actor, {
        name: environment,
        type: settings.environmentType,
        owner: c.owner,
        ...(c.system && { system: c.system }),
        ...(settings.ttl && { ttl: settings.ttl }),
      }));
    }
    const current = (await deployments.deployments(actor, c.ref)).find(
      d => d.environment === environment,
    );
    if (current?.revision?.image === image) {
      return {
        environment,
        component: c.ref,
        result: created ? 'created' : 'unchanged',
        image,
      };
    }
    const result = await deployments.deploy(actor, c.ref, {
      environment,
      image,
    });
    return {
      environment,
      component: c.ref,
      result: result.pending ? 'pending-approval' : 'deployed',
      image,
      ...(created && { message: 'environment created' }),
    };
  }

  private async close(
    actor: Actor,
    c: ReviewComponent,
    environment: string,
  ): Promise<ReviewAppOutcome> {
    const creator = await this.creatorOf(actor, environment);
    if (!creator) {
      return { environment, component: c.ref, result: 'absent' };
    }
    if (creator !== actor.ref) return this.notOurs(environment, c, creator);
    await this.deps.useCases.environments.delete(actor, environment, {});
    return { environment, component: c.ref, result: 'deleted' };
  }
}

const SAID: Record<ReviewAppOutcome['result'], string> = {
  created: 'running',
  deployed: 'deployed',
  unchanged: 'running',
  'pending-approval': 'waiting for approval',
  deleted: 'deleted (pull request closed)',
  absent: 'none',
  'not-ours': 'left alone',
  ignored: 'ignored',
  duplicate: 'unchanged',
  failed: 'failed (the environment page and the backend log say why)',
};

/** The review-app comment of a pull request, Markdown. */
export function reviewComment(
  e: PullRequestEvent,
  outcomes: ReviewAppOutcome[],
  links?: ReviewAppLinks,
): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = outcomes.map(o => {
    const name = o.component?.replace(/^component:[^/]+\//, '') ?? '';
    const env = links
      ? `[${o.environment}](${links.environmentPage(o.environment)})`
      : `\`${o.environment}\``;
    const open = ['created', 'deployed', 'unchanged'].includes(o.result);
    const url = open ? links?.appUrl?.(name, o.environment) : undefined;
    // a failure's reason stays in Backstage (its log and audit): the pull
    // request may be more public than the platform
    const status = `${SAID[o.result]}${url ? ` at ${url}` : ''}`;
    return `| ${cell(name)} | ${env} | ${
      o.image ? `\`${cell(o.image)}\`` : '—'
    } | ${cell(status)} |`;
  });
  return [
    REVIEW_COMMENT_MARKER,
    `**Review app** (Stagecraft) for ${e.headSha.slice(0, 7)}:`,
    '',
    '| Component | Environment | Image | Status |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
