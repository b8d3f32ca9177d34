import type {
  GitopsStatus,
  RevisionDelivery,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  Actor,
  ClusterGateway,
  Clock,
  EnvironmentRecord,
  KubeObject,
  ProgressListener,
} from '../ports';
import { refOf } from '../environments/manifests';
import type { GitAuthor, GitopsSettings, GitWriter } from './ports';
import {
  componentFiles,
  componentPath,
  environmentPath,
  environmentReadme,
  fluxObjects,
  fluxRefs,
  gitopsStage,
} from './gitops';

/** Writers of a workload's fields that are not a hand edit. */
const CONTROLLERS = new Set([
  'kustomize-controller',
  'kube-controller-manager',
  'stagecraft',
]);

/**
 * Hand edits of a live workload since a revision, from its field managers
 * (what Flux reports as drift): an Update of its spec (not the status) by a
 * manager other than Flux, Kubernetes' controllers and Stagecraft.
 */
export function clusterEdits(live: KubeObject | undefined, since: string) {
  const managed = (live?.metadata.managedFields ?? []) as Array<{
    manager?: string;
    operation?: string;
    subresource?: string;
    time?: string;
  }>;
  return managed
    .filter(
      f =>
        f.operation === 'Update' &&
        !f.subresource &&
        f.manager &&
        !CONTROLLERS.has(f.manager) &&
        f.time &&
        Date.parse(f.time) >= Date.parse(since) - 1000,
    )
    .map(f => ({
      object: `${live!.kind}/${live!.metadata.name}`,
      manager: f.manager!,
      at: f.time!,
    }));
}

/** Who the catalog says a user is (display name and email), for commit authors. */
export interface PeopleDirectory {
  identityOf(ref: string): Promise<Partial<GitAuthor> | undefined>;
}

export interface GitopsDeliveryDeps {
  git: GitWriter;
  gateway: ClusterGateway;
  clock: Clock;
  people?: PeopleDirectory;
  /** The Backstage page of a component, for commit messages. */
  link?: (componentRef: string) => string | undefined;
}

/**
 * GitOps delivery: what a rollout, a removal, an environment's creation and
 * its teardown write to Git (one commit each), the Flux objects that apply
 * an environment's folder, and where a revision stands in Git and Flux.
 */
export class GitopsDelivery {
  constructor(private readonly deps: GitopsDeliveryDeps) {}

  private async author(actor: Actor): Promise<GitAuthor> {
    const known = await this.deps.people
      ?.identityOf(actor.ref)
      .catch(() => undefined);
    const name = actor.ref.replace(/^[a-z]+:(default\/)?/i, '');
    return {
      name: known?.name ?? name,
      email:
        known?.email ??
        `${name.replace(/[^A-Za-z0-9._-]/g, '-')}@users.stagecraft.invalid`,
    };
  }

  /** Commits a component's rendered objects (one revision) and asks Flux to fetch at once. */
  async writeComponent(
    actor: Actor,
    settings: GitopsSettings,
    env: EnvironmentRecord,
    component: { ref: string; name: string },
    objects: KubeObject[],
    summary: { action: string; releaseId: string; image: string },
    onProgress: ProgressListener,
  ): Promise<RevisionDelivery> {
    const dir = componentPath(settings, env, component.name);
    const link = this.deps.link?.(component.ref);
    const commit = await this.deps.git.commit({
      repository: settings.repository,
      branch: settings.branch,
      replace: [dir],
      files: componentFiles(dir, objects),
      message: [
        `${summary.action} ${component.name} to ${env.name}: release ${summary.releaseId}`,
        '',
        `Component: ${component.ref}`,
        `Environment: ${env.name} (namespace ${env.namespace} on ${env.cluster})`,
        `Release: ${summary.releaseId} (${summary.image})`,
        ...(link ? [`Backstage: ${link}`] : []),
      ].join('\n'),
      author: await this.author(actor),
    });
    onProgress(
      commit.committed
        ? `committed ${commit.sha.slice(0, 12)} to ${settings.repository} (${
            settings.branch
          }) at ${dir}`
        : `${dir} in ${
            settings.repository
          } already holds these objects (${commit.sha.slice(0, 12)})`,
    );
    return this.delivered(settings, env, dir, commit.sha);
  }

  /** Removes a component's folder (one commit); Flux prunes its objects. */
  async removeComponent(
    actor: Actor,
    settings: GitopsSettings,
    env: EnvironmentRecord,
    component: { ref: string; name: string },
    onProgress: ProgressListener,
  ): Promise<RevisionDelivery> {
    const dir = componentPath(settings, env, component.name);
    const commit = await this.deps.git.commit({
      repository: settings.repository,
      branch: settings.branch,
      replace: [dir],
      files: {},
      message: `remove ${component.name} from ${env.name}\n\nComponent: ${component.ref}`,
      author: await this.author(actor),
    });
    onProgress(`removed ${dir} in ${commit.sha.slice(0, 12)}`);
    return this.delivered(settings, env, dir, commit.sha);
  }

  /**
   * What an environment of a GitOps type adds to its provisioning: its
   * folder in Git (a README, so Flux has a path from the start) and the
   * Flux objects to apply.
   */
  async environmentObjects(
    actor: Actor,
    settings: GitopsSettings,
    env: EnvironmentRecord,
    onProgress: ProgressListener,
  ): Promise<KubeObject[]> {
    const dir = environmentPath(settings, env);
    const commit = await this.deps.git.commit({
      repository: settings.repository,
      branch: settings.branch,
      replace: [],
      files: { [`${dir}/README.md`]: environmentReadme(env) },
      message: `environment ${env.name}\n\nType: ${env.type}\nNamespace: ${env.namespace} on ${env.cluster}\nOwner: ${env.owner}`,
      author: await this.author(actor),
    });
    if (commit.committed) {
      onProgress(
        `committed ${commit.sha.slice(0, 12)}: ${dir} in ${
          settings.repository
        }`,
      );
    }
    const credentials = settings.secretName
      ? undefined
      : await this.deps.git.readCredentials(settings.repository);
    return fluxObjects(env, settings, credentials);
  }

  /** Deletes the Flux objects of an environment, then its folder in Git. */
  async teardown(
    actor: Actor,
    settings: GitopsSettings,
    env: EnvironmentRecord,
    onProgress: ProgressListener,
  ): Promise<void> {
    // the Kustomization first: with prune it removes what it applied
    const objects = fluxObjects(env, settings, { username: '', password: '' });
    // not the shared namespace (the first)
    for (const o of objects.slice(1).reverse()) {
      await this.deps.gateway.delete(env.cluster, refOf(o));
    }
    const dir = environmentPath(settings, env);
    const commit = await this.deps.git.commit({
      repository: settings.repository,
      branch: settings.branch,
      replace: [dir],
      files: {},
      message: `remove environment ${env.name}`,
      author: await this.author(actor),
    });
    onProgress(
      `removed the Flux objects and ${dir} (${commit.sha.slice(0, 12)})`,
    );
  }

  /** Where a revision stands, read from Flux's objects and the repository. */
  async status(
    settings: GitopsSettings,
    env: EnvironmentRecord,
    delivery: RevisionDelivery,
    revision: { workload: string; image: string; at: string },
  ): Promise<GitopsStatus> {
    const refs = fluxRefs(env, settings);
    const [source, kustomization, live] = await Promise.all([
      this.deps.gateway.get(env.cluster, refs.source),
      this.deps.gateway.get(env.cluster, refs.kustomization),
      this.deps.gateway.get(env.cluster, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: env.namespace,
        name: revision.workload,
      }),
    ]);
    const edits = clusterEdits(live, revision.at);
    const contains = (sha: string, head: string) =>
      this.deps.git.contains(settings.repository, sha, head);
    const stage = await gitopsStage(
      delivery.commit,
      source,
      kustomization,
      contains,
    );
    const outside = await this.deps.git
      .log(settings.repository, settings.branch, {
        path: delivery.path,
        since: delivery.commit,
        limit: 5,
      })
      .catch(() => []);
    return {
      ...stage,
      repository: delivery.repository,
      branch: delivery.branch,
      path: delivery.path,
      // Flux re-applies Git's fields at its interval and drops the
      // edit's field manager then: the drift is gone with it
      ...(edits.length && { clusterEdits: edits }),
      ...(outside.length && {
        changedOutside: outside.map(c => ({
          sha: c.sha,
          author: `${c.author.name} <${c.author.email}>`,
          message: c.message.split('\n')[0],
          at: c.at,
        })),
      }),
    };
  }

  /** What a revision records of its commit, once Flux was asked to fetch it. */
  private async delivered(
    settings: GitopsSettings,
    env: EnvironmentRecord,
    path: string,
    commit: string,
  ): Promise<RevisionDelivery> {
    await this.refreshCredentials(settings, env);
    await this.requestReconcile(settings, env);
    return {
      mode: 'gitops',
      repository: settings.repository,
      branch: settings.branch,
      path,
      commit,
    };
  }

  /**
   * Writes the integration's current credentials into Flux's Secret again:
   * a GitHub App's installation token expires within the hour, so the one
   * written when the environment was made would stop working. Not with the
   * platform's own Secret (`secretName`).
   */
  private async refreshCredentials(
    settings: GitopsSettings,
    env: EnvironmentRecord,
  ) {
    if (settings.secretName) return;
    const credentials = await this.deps.git.readCredentials(
      settings.repository,
    );
    const secret = fluxObjects(env, settings, credentials).filter(
      o => o.kind === 'Secret',
    );
    await this.deps.gateway.apply(env.cluster, secret);
  }

  /**
   * Flux's reconcile request (`reconcile.fluxcd.io/requestedAt`) on the
   * GitRepository and the Kustomization, so a commit is fetched and
   * applied now rather than at the next interval. Best effort: Flux still
   * gets there at its interval.
   */
  private async requestReconcile(
    settings: GitopsSettings,
    env: EnvironmentRecord,
  ) {
    const at = this.deps.clock.now().toISOString();
    const refs = fluxRefs(env, settings);
    await Promise.all(
      [refs.source, refs.kustomization].map(ref =>
        this.deps.gateway
          .mergePatch(env.cluster, ref, {
            metadata: {
              annotations: { 'reconcile.fluxcd.io/requestedAt': at },
            },
          })
          .catch(() => undefined),
      ),
    );
  }
}
