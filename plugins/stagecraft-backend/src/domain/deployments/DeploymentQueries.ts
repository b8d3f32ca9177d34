import {
  EnvironmentDeployment,
  ENVIRONMENT_TIERS,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { NotFoundError } from '../errors';
import { checkBody } from '../input';
import type { Actor, EnvironmentRecord } from '../ports';
import { refOf } from '../environments/manifests';
import { cachedDeploymentStatus, withClusterError } from './status';
import { DriftedField, driftOf } from './drift';
import { withPipeline } from './rolloutParts';
import type { DeploymentDeps } from './ports';
import { componentOfKey, currentKey, ReadCache } from './readCache';
import { StatusView, StatusViews } from './statusViews';
import { authorizedEnvironment } from './lookups';
import { envName, normalizeComponentRef } from './input';
import type { Rollout } from './Rollout';

/** How often the watch reads a GitOps revision that Flux has not applied yet. */
const GITOPS_POLL_MS = 1000;

/**
 * The read side of deployments: a component's history, where it runs with
 * its live status (store and watch cache only), drift, and the watch.
 */
export class DeploymentQueries {
  private readonly views: StatusViews;
  private viewsFed = false;

  constructor(
    private readonly deps: DeploymentDeps,
    private readonly cache: ReadCache,
    private readonly rollout: Rollout,
    viewTtlMs = 0,
  ) {
    this.views = new StatusViews(viewTtlMs);
    cache.onForget(key => {
      const ref = componentOfKey(key);
      if (ref) this.views.forgetComponent(ref);
    });
  }

  /** Revisions of a component in one environment, newest first. */
  async history(actor: Actor, componentRef: unknown, environment: unknown) {
    const { ref, env } = await this.readable(actor, componentRef, environment);
    return this.deps.deployments.listRevisions(ref, env.name);
  }

  /**
   * The component in every environment it is deployed in that the actor may
   * read: current revision and live status, from the store and the watch
   * cache only (no request reaches an API server).
   */
  async deployments(
    actor: Actor,
    componentRef: unknown,
  ): Promise<EnvironmentDeployment[]> {
    return (await this.deploymentsIn(actor, componentRef)).map(
      d => d.deployment,
    );
  }

  /**
   * `deployments()` serialised, with a strong validator: the same state for
   * the same readable environments is built and serialised once (see
   * StatusViews), so a repeated view, and a `304 Not Modified`, cost little.
   */
  async deploymentsView(
    actor: Actor,
    componentRef: unknown,
  ): Promise<StatusView> {
    if (!this.viewsFed) {
      this.viewsFed = true;
      this.deps.observer.subscribe(change =>
        this.views.changed(change.kubernetesId),
      );
    }
    const readable = await this.readableRevisions(actor, componentRef);
    const key = JSON.stringify([readable.ref, readable.allowed]);
    return this.views.get(key, readable.ref, async () => {
      const all = await this.assemble(readable);
      return {
        items: all.map(d => d.deployment),
        ids: [
          readable.ref.split('/')[1],
          ...readable.revisions.flatMap(r =>
            r.kubernetesId ? [r.kubernetesId] : [],
          ),
        ],
      };
    });
  }

  /** The component's current revisions and which of them the actor may read. */
  private async readableRevisions(actor: Actor, componentRef: unknown) {
    const ref = normalizeComponentRef(componentRef);
    const revisions = await this.cache.get(currentKey(ref), () =>
      this.deps.deployments.listCurrent(ref),
    );
    const allowed = revisions.length
      ? await this.deps.authorizer.authorize(
          actor,
          'deployment.read',
          revisions.map(r => r.environment),
        )
      : [];
    return { ref, revisions, allowed };
  }

  /** `deployments()` with each environment's record (for the watch's matching). */
  private async deploymentsIn(actor: Actor, componentRef: unknown) {
    return this.assemble(await this.readableRevisions(actor, componentRef));
  }

  private async assemble({
    ref,
    revisions,
    allowed,
  }: Awaited<ReturnType<DeploymentQueries['readableRevisions']>>) {
    if (!revisions.length) return [];
    const result: Array<{
      deployment: EnvironmentDeployment;
      env: EnvironmentRecord;
      kubernetesId: string;
    }> = [];
    // a component removed from an environment (teardown) is not there
    const visible = revisions.filter(
      (r, i) => allowed[i] && r.action !== 'remove',
    );
    // the environment records: with a promotion pipeline every environment
    // is read anyway (once per read-cache TTL, shared by all views), so they
    // come from that read; else each is read (together); the status comes
    // from the watch cache
    const every = this.deps.pipeline
      ? await this.everyEnvironment()
      : undefined;
    const envs = every
      ? visible.map(r => every.byName.get(r.environment))
      : await Promise.all(
          visible.map(r =>
            this.cache.get(`env:${r.environment}`, () =>
              this.deps.environments.getEnvironment(r.environment),
            ),
          ),
        );
    visible.forEach((revision, i) => {
      const env = envs[i];
      if (!env) return;
      const kubernetesId = revision.kubernetesId ?? ref.split('/')[1];
      result.push({
        env,
        kubernetesId,
        deployment: {
          environment: env.name,
          tier: env.tier,
          ...(env.phase !== 'Ready' && { environmentPhase: env.phase }),
          revision,
          status: withClusterError(
            cachedDeploymentStatus(
              this.deps.observer.observe(
                env.cluster,
                env.namespace,
                kubernetesId,
              ),
            ),
            this.deps.observer.clusterError?.(env.cluster),
          ),
        },
      });
    });
    await this.withGitops(ref, result);
    result.sort(
      (a, b) =>
        ENVIRONMENT_TIERS.indexOf(a.env.tier) -
          ENVIRONMENT_TIERS.indexOf(b.env.tier) ||
        a.env.name.localeCompare(b.env.name),
    );
    return withPipeline(
      result,
      this.deps.pipeline,
      async () => (every ?? (await this.everyEnvironment())).list,
    );
  }

  /** Every environment record, and by name: one store read per read-cache TTL. */
  private everyEnvironment() {
    return this.cache.get('envs', async () => {
      const list = await this.deps.environments.listEnvironments();
      return { list, byName: new Map(list.map(e => [e.name, e])) };
    });
  }

  /**
   * Where each GitOps revision stands in Git and Flux (committed → fetched
   * → applied), read from the environment's Flux objects; a status read
   * that fails leaves it out rather than failing the view.
   */
  private async withGitops(
    ref: string,
    items: Array<{ deployment: EnvironmentDeployment; env: EnvironmentRecord }>,
  ) {
    const gitops = this.deps.gitops;
    if (!gitops) return;
    await Promise.all(
      items.map(async item => {
        const delivery = item.deployment.revision?.delivery;
        const settings = gitops.settingsFor(item.env);
        if (!delivery || !settings) return;
        const revision = item.deployment.revision!;
        const status = await gitops.delivery
          .status(settings, item.env, delivery, {
            workload: ref.split('/')[1],
            image: revision.image,
            at: revision.at,
          })
          .catch(() => undefined);
        if (status) item.deployment.gitops = status;
      }),
    );
  }

  /**
   * Fields of the component's objects in an environment changed outside
   * Stagecraft since its last revision (e.g. `kubectl edit`), read live.
   */
  async drift(
    actor: Actor,
    componentRef: unknown,
    environment: unknown,
  ): Promise<DriftedField[]> {
    const { ref, env } = await this.readable(actor, componentRef, environment);
    const [current] = await this.deps.deployments.listRevisions(ref, env.name);
    if (!current)
      throw new NotFoundError(`${ref} is not deployed in ${env.name}`);
    const desired = await this.rollout.desiredObjects(actor, ref, env, current);
    const live = await Promise.all(
      desired.map(o => this.deps.gateway.get(env.cluster, refOf(o))),
    );
    return driftOf(desired.map((d, i) => ({ desired: d, live: live[i] })));
  }

  /**
   * Calls `onUpdate` with the fresh state of an environment whenever the watch
   * cache sees the component's objects there change. Changes of other
   * components are dropped on arrival (by kubernetes-id, no store read); a
   * burst is coalesced into one read per `coalesceMs`, and an environment
   * whose state did not change is not sent again. Returns the unsubscribe
   * function.
   */
  watch(
    actor: Actor,
    componentRef: unknown,
    onUpdate: (deployment: EnvironmentDeployment) => void,
    coalesceMs = 200,
  ): () => void {
    const ref = normalizeComponentRef(componentRef);
    const ids = new Set([ref.split('/')[1]]);
    const changed = new Set<string>();
    const sent = new Map<string, string>();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const scope = (cluster: string, namespace: string, id: string) =>
      `${cluster}\u0000${namespace}\u0000${id}`;
    const flush = async () => {
      timer = undefined;
      const keys = new Set(changed);
      changed.clear();
      const all = await this.deploymentsIn(actor, ref).catch(() => []);
      if (closed) return;
      for (const { deployment, env, kubernetesId } of all) {
        ids.add(kubernetesId);
        if (!keys.has(scope(env.cluster, env.namespace, kubernetesId))) {
          continue;
        }
        const state = JSON.stringify([
          deployment.revision?.revision,
          deployment.environmentPhase,
          deployment.status,
          deployment.gitops?.stage,
        ]);
        // Flux's progress is not in the watch cache: while a GitOps
        // revision is on its way, the environment is read again
        if (
          deployment.gitops &&
          !['applied', 'failed'].includes(deployment.gitops.stage)
        ) {
          changed.add(scope(env.cluster, env.namespace, kubernetesId));
          timer ??= setTimeout(() => void flush(), GITOPS_POLL_MS);
        }
        if (sent.get(env.name) === state) continue;
        sent.set(env.name, state);
        onUpdate(deployment);
      }
    };
    // the component's kubernetes-ids other than its name, from its revisions
    this.deploymentsIn(actor, ref).then(
      all => all.forEach(d => ids.add(d.kubernetesId)),
      () => undefined,
    );
    const unsubscribe = this.deps.observer.subscribe(change => {
      if (!ids.has(change.kubernetesId)) return;
      changed.add(scope(change.cluster, change.namespace, change.kubernetesId));
      timer ??= setTimeout(() => void flush(), coalesceMs);
    });
    return () => {
      closed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }

  /** The component ref and the environment the actor may read its deployment in. */
  private async readable(
    actor: Actor,
    componentRef: unknown,
    environment: unknown,
  ) {
    const ref = normalizeComponentRef(componentRef);
    checkBody({ environment }, ['environment'], { environment: envName(true) });
    const env = await authorizedEnvironment(
      this.deps,
      actor,
      'deployment.read',
      environment as string,
    );
    return { ref, env };
  }
}
