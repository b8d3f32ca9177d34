import {
  DeployResult,
  EnvironmentDeployment,
  Origin,
  Release,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import type {
  Actor,
  ComponentInfo,
  EnvironmentRecord,
  ProgressListener,
  StagecraftAction,
} from '../ports';
import { resolveFileSources, validateWorkloadSpec } from '../workloads';
import { originOf } from '../input';
import { allInOrder } from '../inOrder';
import type { DriftedField } from './drift';
import type { DeploymentDeps } from './ports';
import { ROLLOUT_RULES, rolloutRequest } from './input';
import { currentKey, ReadCache } from './readCache';
import { authorizedEnvironment, noProgress, requireRelease } from './lookups';
import { Rollout } from './Rollout';
import { DeploymentQueries } from './DeploymentQueries';
import {
  checkTierStep,
  promotionTargetName,
  releaseToDeploy,
  rollbackTarget,
} from './targets';
import type { StatusView } from './statusViews';

export { normalizeComponentRef } from './input';
export {
  RESTARTED_AT,
  withConfig,
  withImage,
  withRestart,
  withSecretRefs,
} from './transforms';
export type {
  DeploymentConfigPort,
  DeploymentDeps,
  DeploymentGate,
  DeploymentResourcesPort,
  DeploymentSecretsPort,
} from './ports';

type RolloutVerb = keyof typeof ROLLOUT_RULES;

/** deploy, promote and rollback as the doors call them: the route's component ref and body. */
export type RolloutUseCase = (
  actor: Actor,
  componentRef: unknown,
  body: unknown,
  onProgress?: ProgressListener,
) => Promise<DeployResult>;

/**
 * Deployment use cases: deploy makes an immutable, content-hashed release and
 * applies it with server-side apply; promote deploys the exact release of one
 * environment to the next; rollback redeploys an earlier release. Every
 * change is a numbered revision with its actor, and audited. The reads are
 * DeploymentQueries', the rendering and apply Rollout's.
 */
export class DeploymentService {
  /** Store reads of the status path, shared for `readCacheMs` (see deps). */
  private readonly cache: ReadCache;
  private readonly rollouts: Rollout;
  private readonly queries: DeploymentQueries;

  constructor(private readonly deps: DeploymentDeps) {
    this.cache = new ReadCache(deps.readCacheMs ?? 1000);
    this.rollouts = new Rollout(deps, this.cache);
    this.queries = new DeploymentQueries(
      deps,
      this.cache,
      this.rollouts,
      deps.readCacheMs ?? 1000,
    );
  }

  /** Deploys the component's workload (optionally another image) to an environment. */
  deploy(...args: Parameters<RolloutUseCase>): Promise<DeployResult> {
    return this.request('deploy', ...args);
  }

  /** Deploys the exact release running in `from` to the next environment. */
  promote(...args: Parameters<RolloutUseCase>): Promise<DeployResult> {
    return this.request('promote', ...args);
  }

  /** Redeploys an earlier release (by revision or release id; default: the previous one). */
  rollback(...args: Parameters<RolloutUseCase>): Promise<DeployResult> {
    return this.request('rollback', ...args);
  }

  /** A deploy, promote or rollback request: its body checked, then its verb's handler. */
  private async request(
    verb: RolloutVerb,
    actor: Actor,
    componentRef: unknown,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<DeployResult> {
    const { ref, b } = rolloutRequest(componentRef, body, ROLLOUT_RULES[verb]);
    return this.handlers[verb](actor, ref, b, onProgress);
  }

  /** What each verb does with its request (deploy, promote, rollback). */
  private readonly handlers: Record<
    RolloutVerb,
    (
      actor: Actor,
      ref: string,
      b: Record<string, unknown>,
      onProgress: ProgressListener,
    ) => Promise<DeployResult>
  > = {
    deploy: async (actor, ref, b, onProgress) => {
      // an inline workload is checked before anything is looked up
      const inline = b.workload
        ? await resolveFileSources(
            validateWorkloadSpec(b.workload, 'workload'),
            undefined,
          )
        : undefined;
      // the environment's check and the catalog lookup run together
      const [env, component] = await allInOrder([
        this.environment(actor, 'deployment.create', b.environment as string),
        this.deps.workloads.component(ref, actor),
      ]);
      const { release, configOnly } = await releaseToDeploy(this.deps, {
        actor,
        ref,
        component,
        env,
        inline,
        image: b.image as string | undefined,
      });
      const result = await this.gatedRollout(
        b,
        actor,
        'deploy',
        component,
        env,
        release,
        {
          replicas: b.replicas as number | undefined,
          onProgress,
        },
      );
      return configOnly ? { ...result, configOnly } : result;
    },
    promote: async (actor, ref, b, onProgress) => {
      const from = await this.environment(
        actor,
        'deployment.read',
        b.from as string,
      );
      const to = await this.environment(
        actor,
        'deployment.promote',
        await promotionTargetName(this.deps, from, b.to as string | undefined),
      );
      checkTierStep(from, to, this.deps.allowTierSkip);
      const [current] = await this.deps.deployments.listRevisions(
        ref,
        from.name,
      );
      if (!current) {
        throw new NotFoundError(
          `${ref} is not deployed in ${from.name}; nothing to promote`,
        );
      }
      return this.rolloutStored(
        b,
        actor,
        'promote',
        ref,
        to,
        current.releaseId,
        {
          from: from.name,
          onProgress,
        },
      );
    },
    rollback: async (actor, ref, b, onProgress) => {
      const env = await this.environment(
        actor,
        'deployment.rollback',
        b.environment as string,
      );
      const target = rollbackTarget(
        await this.deps.deployments.listRevisions(ref, env.name),
        b,
        ref,
        env.name,
      );
      return this.rolloutStored(
        b,
        actor,
        'rollback',
        ref,
        env,
        target.releaseId,
        {
          onProgress,
        },
      );
    },
  };

  /** Revisions of a component in one environment, newest first. */
  history(...args: Parameters<DeploymentQueries['history']>) {
    return this.queries.history(...args);
  }

  /**
   * The component in every environment it is deployed in that the actor may
   * read: current revision and live status, from the store and the watch
   * cache only (no request reaches an API server).
   */
  deployments(
    ...args: Parameters<DeploymentQueries['deployments']>
  ): Promise<EnvironmentDeployment[]> {
    return this.queries.deployments(...args);
  }

  /** `deployments()` serialised once per state, with a strong ETag. */
  deploymentsView(
    ...args: Parameters<DeploymentQueries['deploymentsView']>
  ): Promise<StatusView> {
    return this.queries.deploymentsView(...args);
  }

  /**
   * Fields of the component's objects in an environment changed outside
   * Stagecraft since its last revision (e.g. `kubectl edit`), read live.
   */
  drift(
    ...args: Parameters<DeploymentQueries['drift']>
  ): Promise<DriftedField[]> {
    return this.queries.drift(...args);
  }

  /**
   * Calls `onUpdate` with the fresh state of an environment whenever the watch
   * cache sees the component's objects there change (see DeploymentQueries).
   * Returns the unsubscribe function.
   */
  watch(...args: Parameters<DeploymentQueries['watch']>): () => void {
    return this.queries.watch(...args);
  }

  /**
   * Rolls out a stored release of a component again (day-2 operations,
   * approved requests, clones): `permission` is checked on the environment,
   * replicas and restart as given (default: as now). `gated`: the gate
   * (approvals, windows) has its word first, as for a deploy — a release
   * entering a protected environment this way waits like any other.
   */
  async runRelease(
    actor: Actor,
    request: {
      action: RevisionAction;
      permission: StagecraftAction;
      component: string;
      environment: string;
      releaseId: string;
      replicas?: number;
      restartedAt?: string;
      from?: string;
      origin?: Origin;
      approval?: { id: string; approvers: string[] };
      dryRun?: boolean;
      gated?: boolean;
      onProgress?: ProgressListener;
    },
  ): Promise<DeployResult> {
    const env = await this.environment(
      actor,
      request.permission,
      request.environment,
    );
    const component = await this.deps.workloads.component(
      request.component,
      actor,
    );
    const release = await this.requireRelease(request.releaseId);
    if (request.gated && !request.dryRun && this.deps.gate) {
      const pending = await this.deps.gate.admit({
        actor,
        action: 'deploy',
        component: component.ref,
        environment: env,
        release,
      });
      if (pending) return { release, diff: '', dryRun: false, pending };
    }
    return this.rollouts.rollout(
      actor,
      request.action,
      component,
      env,
      release,
      {
        replicas: request.replicas,
        restartedAt: request.restartedAt,
        from: request.from,
        origin: request.origin,
        approval: request.approval,
        dryRun: request.dryRun === true,
        onProgress: request.onProgress ?? noProgress,
      },
    );
  }

  /**
   * Removes a component from an environment (teardown): deletes the objects
   * of its current release and records a `remove` revision (0 replicas).
   */
  async remove(
    actor: Actor,
    componentRef: string,
    environment: string,
  ): Promise<string[]> {
    const env = await this.environment(
      actor,
      'deployment.operate',
      environment,
    );
    const [current] = await this.deps.deployments.listRevisions(
      componentRef,
      env.name,
    );
    if (!current || current.action === 'remove') return [];
    const component = await this.deps.workloads.component(componentRef, actor);
    const release = await this.requireRelease(current.releaseId);
    const objects = this.rollouts.render(component, env, release, 0, undefined);
    const target = `${componentRef}@${env.name}`;
    const delivery = await this.rollouts.remove(actor, component, env, objects);
    const removed = objects.map(o => `${o.kind}/${o.metadata.name}`);
    await this.deps.deployments.appendRevision({
      component: componentRef,
      environment: env.name,
      releaseId: release.id,
      image: release.image,
      action: 'remove',
      actor: actor.ref,
      at: this.deps.clock.now().toISOString(),
      replicas: 0,
      kubernetesId: component.kubernetesId,
      changed: removed,
      ...(delivery && { delivery }),
    });
    this.cache.forget(currentKey(componentRef));
    await this.deps.auditor.record({
      action: 'deployment.remove',
      actor: actor.ref,
      targetKind: 'deployment',
      target,
      outcome: 'succeeded',
      details: { release: release.id, removed },
    });
    return removed;
  }

  /** gatedRollout of a stored release (promote, rollback). */
  private async rolloutStored(
    body: Record<string, unknown>,
    actor: Actor,
    action: 'promote' | 'rollback',
    ref: string,
    environment: EnvironmentRecord,
    id: string,
    opts: { from?: string; onProgress: ProgressListener },
  ): Promise<DeployResult> {
    const release = await this.requireRelease(id);
    const component = await this.deps.workloads.component(ref, actor);
    return this.gatedRollout(
      body,
      actor,
      action,
      component,
      environment,
      release,
      opts,
    );
  }

  /**
   * A deploy, promote or rollback asked for through the API: the gate
   * (approvals, windows) has its word on a real change, dry runs always
   * pass; then the rollout, with the request's dryRun and origin.
   */
  private async gatedRollout(
    body: Record<string, unknown>,
    actor: Actor,
    action: 'deploy' | 'promote' | 'rollback',
    component: ComponentInfo,
    environment: EnvironmentRecord,
    release: Release,
    opts: { replicas?: number; from?: string; onProgress: ProgressListener },
  ): Promise<DeployResult> {
    const dryRun = body.dryRun === true;
    if (!dryRun && this.deps.gate) {
      const pending = await this.deps.gate.admit({
        actor,
        action,
        component: component.ref,
        environment,
        release,
        ...(opts.from && { from: opts.from }),
      });
      if (pending) {
        // the approver's decision runs this release later: keep it (a new
        // release is otherwise stored by its first rollout)
        await this.deps.deployments.putRelease(release);
        return { release, diff: '', dryRun: false, pending };
      }
    }
    return this.rollouts.rollout(
      actor,
      action,
      component,
      environment,
      release,
      {
        ...opts,
        dryRun,
        origin: originOf(body.origin),
      },
    );
  }

  /** Authorizes `action` on the environment, then loads it (403 before 404). */
  private environment(actor: Actor, action: StagecraftAction, name: string) {
    return authorizedEnvironment(this.deps, actor, action, name);
  }

  private requireRelease(id: string): Promise<Release> {
    return requireRelease(this.deps, id);
  }
}
