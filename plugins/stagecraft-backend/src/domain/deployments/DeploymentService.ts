import {
  ConfigValue,
  DeployResult,
  EnvironmentDeployment,
  ENVIRONMENT_TIERS,
  Origin,
  ApprovalRequest,
  Release,
  RevisionAction,
  validateDnsLabel,
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { checkExposure, ExposurePolicy } from '../policy/exposure';
import { podSecurityViolations } from '../policy/podSecurity';
import { NotFoundError } from '../errors';
import type {
  Actor,
  Auditor,
  Authorizer,
  Clock,
  ClusterGateway,
  ClusterWarning,
  ComponentInfo,
  DeploymentStore,
  EnvironmentRecord,
  EnvironmentStore,
  KubeObject,
  ProgressListener,
  StagecraftAction,
  WorkloadObserver,
  WorkloadSource,
} from '../ports';
import { cachedDeploymentStatus, withClusterError } from './status';
import { DriftedField, driftOf } from './drift';
import { refOf } from '../environments/manifests';
import {
  parseWorkloadSpec,
  resolveFileSources,
  releaseId,
  renderWorkload,
  ResourceOutputs,
  validateWorkloadSpec,
  WorkloadSpec,
} from '../workloads';
import { diffObjects } from './diff';
import {
  describeRollout,
  keepRunningImages,
  withPipeline,
  warningLines,
  workloadField,
} from './rolloutParts';
import type { ResourcePreview } from '../resources/preview';
import type { PromotionPipelines } from '../policy/pipeline';
import {
  asObject,
  authorizeOrThrow,
  checkBody,
  checkOrigin,
  originOf,
} from '../input';

const COMPONENT_REF =
  /^(?:component:)?(?:([a-z0-9][a-z0-9_.-]*)\/)?([a-z0-9][a-z0-9_.-]*)$/i;
/** An image reference (registry/path:tag@digest): no spaces, quotes or control characters. */
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,511}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const noProgress: ProgressListener = () => {};

/** Normalises `checkout`, `default/checkout` or `component:default/checkout`. */
export function normalizeComponentRef(value: unknown): string {
  const match = typeof value === 'string' ? COMPONENT_REF.exec(value) : null;
  if (!match) {
    throw new ValidationError([
      {
        field: 'component',
        message:
          'component must be a component reference such as "component:default/checkout"',
      },
    ]);
  }
  return `component:${(match[1] ?? 'default').toLocaleLowerCase(
    'en-US',
  )}/${match[2].toLocaleLowerCase('en-US')}`;
}

const envName = (required: boolean) => (v: unknown) =>
  v === undefined && !required
    ? undefined
    : validateDnsLabel(v, 'environment')?.message;
const optionalBool = (field: string) => (v: unknown) =>
  v === undefined || typeof v === 'boolean'
    ? undefined
    : `${field} must be true or false`;

/**
 * Deployment use cases: deploy makes an immutable, content-hashed release and
 * applies it with server-side apply; promote deploys the exact release of one
 * environment to the next; rollback redeploys an earlier release. Every
 * change is a numbered revision with its actor, and audited.
 */
export class DeploymentService {
  constructor(
    private readonly deps: {
      gateway: ClusterGateway;
      environments: EnvironmentStore;
      deployments: DeploymentStore;
      workloads: WorkloadSource;
      observer: WorkloadObserver;
      authorizer: Authorizer;
      auditor: Auditor;
      clock: Clock;
      /** Configuration values merged into the workload per environment (optional). */
      config?: {
        effective(
          component: string,
          env: EnvironmentRecord,
        ): Promise<{ values: Record<string, ConfigValue>; version: string }>;
        effectiveAt(
          component: string,
          env: EnvironmentRecord,
          version: string | undefined,
        ): Promise<Record<string, ConfigValue>>;
      };
      /** Secret keys of a component in an environment, referenced (never read) by deploys. */
      secrets?: {
        forDeploy(
          component: string,
          env: EnvironmentRecord,
        ): Promise<{ name: string; keys: string[]; version: string }>;
      };
      /**
       * Resources the workload requests (Score `resources`): outputs without
       * writing (dry runs, drift, checks) and provisioning before an apply.
       */
      resources?: {
        outputsFor(
          component: ComponentInfo,
          env: EnvironmentRecord,
          spec: WorkloadSpec,
        ): Promise<ResourceOutputs>;
        provisionFor(
          actor: Actor,
          component: ComponentInfo,
          env: EnvironmentRecord,
          spec: WorkloadSpec,
          onProgress: ProgressListener,
          warnings?: ClusterWarning[],
        ): Promise<ResourceOutputs>;
        /** What provisioning would write, for dry runs (nothing is written). */
        previewFor?(
          component: ComponentInfo,
          env: EnvironmentRecord,
          spec: WorkloadSpec,
        ): Promise<ResourcePreview[]>;
      };
      /**
       * The promotion pipeline (order from environment types, promotesTo or
       * the next stage): promote's default target and the deployments
       * answer's order and targets.
       */
      pipeline?: PromotionPipelines;
      /** What objects may expose per environment (exposureByType); unchecked when absent. */
      exposure?: (env: EnvironmentRecord) => ExposurePolicy;
      /** The Ingress host of a component in an environment (from its type's pattern), if any. */
      ingressHost?: (
        component: string,
        env: EnvironmentRecord,
      ) => string | undefined;
      /** Allow promoting across more than one tier (e.g. development → production). */
      allowTierSkip?: boolean;
      /**
       * Approvals and deployment windows of protected environments: may
       * refuse (window closed) or turn the change into a pending request.
       */
      gate?: DeploymentGate;
      /**
       * How long the status read path may reuse what it read from the store
       * (current revisions per component, environment records), in ms; this
       * replica's own deploys invalidate it at once. 0: read every time.
       */
      readCacheMs?: number;
    },
  ) {}

  /** Store reads of the status path, shared for `readCacheMs` (see deps). */
  private readonly reads = new Map<
    string,
    { at: number; value: Promise<unknown> }
  >();

  private cachedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
    const ttl = this.deps.readCacheMs ?? 1000;
    if (ttl <= 0) return read();
    const now = Date.now();
    const hit = this.reads.get(key);
    if (hit && now - hit.at < ttl) return hit.value as Promise<T>;
    if (this.reads.size > 10_000) {
      for (const [k, v] of this.reads) {
        if (now - v.at >= ttl) this.reads.delete(k);
      }
    }
    const value = read();
    this.reads.set(key, { at: now, value });
    value.catch(() => this.reads.delete(key));
    return value;
  }

  /** Deploys the component's workload (optionally another image) to an environment. */
  async deploy(
    actor: Actor,
    componentRef: unknown,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<DeployResult> {
    const ref = normalizeComponentRef(componentRef);
    const b = asObject(body);
    checkBody(
      b,
      ['environment', 'image', 'workload', 'replicas', 'dryRun', 'origin'],
      {
        environment: envName(true),
        image: v =>
          v === undefined || (typeof v === 'string' && IMAGE.test(v))
            ? undefined
            : 'image must be an image reference or tag without spaces',
        workload: v =>
          v === undefined ||
          (typeof v === 'object' && v !== null && !Array.isArray(v))
            ? undefined
            : 'workload must be a Score workload object',
        replicas: v =>
          v === undefined ||
          (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1000)
            ? undefined
            : 'replicas must be a whole number from 0 to 1000',
        dryRun: optionalBool('dryRun'),
        origin: checkOrigin,
      },
    );
    // an inline workload is checked before anything is looked up
    const inline = b.workload
      ? await resolveFileSources(
          validateWorkloadSpec(b.workload, 'workload'),
          undefined,
        )
      : undefined;
    const env = await this.environment(
      actor,
      'deployment.create',
      b.environment as string,
    );
    const component = await this.deps.workloads.component(ref, actor);
    let spec: WorkloadSpec;
    if (inline) {
      spec = inline;
    } else {
      const { text, source, readFile } = await this.deps.workloads.workload(
        component,
        actor,
      );
      spec = await resolveFileSources(
        parseWorkloadSpec(text, source),
        readFile,
      );
    }
    let configOnly = false;
    if (b.image) {
      spec = withImage(spec, b.image as string);
    } else if (!inline) {
      // no image: the running release's images stay (a config-only rollout)
      ({ spec, configOnly } = await keepRunningImages(
        this.deps.deployments,
        ref,
        env.name,
        spec,
      ));
    }
    const release: Release = {
      id: releaseId({ spec }),
      component: ref,
      image: mainImage(spec),
      workload: spec,
      createdBy: actor.ref,
      createdAt: this.deps.clock.now().toISOString(),
    };
    const existing = await this.deps.deployments.getRelease(release.id);
    const result = await this.gatedRollout(
      b,
      actor,
      'deploy',
      component,
      env,
      existing ?? release,
      {
        replicas: b.replicas as number | undefined,
        onProgress,
      },
    );
    return configOnly ? { ...result, configOnly } : result;
  }

  /** Deploys the exact release running in `from` to the next environment. */
  async promote(
    actor: Actor,
    componentRef: unknown,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<DeployResult> {
    const ref = normalizeComponentRef(componentRef);
    const b = asObject(body);
    checkBody(b, ['from', 'to', 'dryRun', 'origin'], {
      from: v => validateDnsLabel(v, 'from')?.message,
      to: v =>
        v === undefined ? undefined : validateDnsLabel(v, 'to')?.message,
      dryRun: optionalBool('dryRun'),
      origin: checkOrigin,
    });
    const from = await this.environment(
      actor,
      'deployment.read',
      b.from as string,
    );
    const toName =
      (b.to as string | undefined) ??
      (this.deps.pipeline
        ? this.deps.pipeline.targetOf(
            from,
            await this.deps.environments.listEnvironments(),
          )?.name
        : from.promotesTo?.replace(/^(?:environment:)?(?:[^/]+\/)?/, ''));
    if (!toName) {
      throw new ValidationError([
        {
          field: 'to',
          message: `to is required: environment "${from.name}" has no promotesTo and is the last stage of its pipeline`,
        },
      ]);
    }
    const to = await this.environment(actor, 'deployment.promote', toName);
    const gap =
      ENVIRONMENT_TIERS.indexOf(to.tier) - ENVIRONMENT_TIERS.indexOf(from.tier);
    if (gap < 0 || (gap > 1 && !this.deps.allowTierSkip)) {
      throw new ValidationError([
        {
          field: 'to',
          message:
            gap < 0
              ? `cannot promote from ${from.tier} (${from.name}) down to ${to.tier} (${to.name})`
              : `promoting from ${from.tier} (${from.name}) to ${to.tier} (${to.name}) skips a tier; promote through each tier in turn`,
        },
      ]);
    }
    const [current] = await this.deps.deployments.listRevisions(ref, from.name);
    if (!current) {
      throw new NotFoundError(
        `${ref} is not deployed in ${from.name}; nothing to promote`,
      );
    }
    const release = await this.requireRelease(current.releaseId);
    const component = await this.deps.workloads.component(ref, actor);
    return this.gatedRollout(b, actor, 'promote', component, to, release, {
      from: from.name,
      onProgress,
    });
  }

  /** Redeploys an earlier release (by revision or release id; default: the previous one). */
  async rollback(
    actor: Actor,
    componentRef: unknown,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<DeployResult> {
    const ref = normalizeComponentRef(componentRef);
    const b = asObject(body);
    checkBody(b, ['environment', 'revision', 'releaseId', 'dryRun', 'origin'], {
      environment: envName(true),
      revision: v =>
        v === undefined || (Number.isInteger(v) && (v as number) >= 1)
          ? undefined
          : 'revision must be a revision number (1, 2, …)',
      releaseId: v =>
        v === undefined || (typeof v === 'string' && /^r-[0-9a-f]{12}$/.test(v))
          ? undefined
          : 'releaseId must look like "r-0123456789ab"',
      dryRun: optionalBool('dryRun'),
      origin: checkOrigin,
    });
    const env = await this.environment(
      actor,
      'deployment.rollback',
      b.environment as string,
    );
    const revisions = await this.deps.deployments.listRevisions(ref, env.name);
    if (!revisions.length) {
      throw new NotFoundError(`${ref} has never been deployed to ${env.name}`);
    }
    const [current] = revisions;
    let target = revisions.find(r => r.releaseId !== current.releaseId);
    if (b.revision !== undefined) {
      target = revisions.find(r => r.revision === b.revision);
    } else if (b.releaseId !== undefined) {
      target = revisions.find(r => r.releaseId === b.releaseId);
    }
    if (!target) {
      throw new NotFoundError(
        b.revision !== undefined || b.releaseId !== undefined
          ? `no such revision of ${ref} in ${env.name}`
          : `${ref} has only ever run release ${current.releaseId} in ${env.name}; nothing to roll back to`,
      );
    }
    const release = await this.requireRelease(target.releaseId);
    const component = await this.deps.workloads.component(ref, actor);
    return this.gatedRollout(b, actor, 'rollback', component, env, release, {
      onProgress,
    });
  }

  /** Revisions of a component in one environment, newest first. */
  async history(actor: Actor, componentRef: unknown, environment: unknown) {
    const ref = normalizeComponentRef(componentRef);
    checkBody({ environment }, ['environment'], { environment: envName(true) });
    const env = await this.environment(
      actor,
      'deployment.read',
      environment as string,
    );
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

  /** `deployments()` with each environment's record (for the watch's matching). */
  private async deploymentsIn(actor: Actor, componentRef: unknown) {
    const ref = normalizeComponentRef(componentRef);
    const revisions = await this.cachedRead(`current:${ref}`, () =>
      this.deps.deployments.listCurrent(ref),
    );
    if (!revisions.length) return [];
    const allowed = await this.deps.authorizer.authorize(
      actor,
      'deployment.read',
      revisions.map(r => r.environment),
    );
    const result: Array<{
      deployment: EnvironmentDeployment;
      env: EnvironmentRecord;
      kubernetesId: string;
    }> = [];
    // a component removed from an environment (teardown) is not there
    const visible = revisions.filter(
      (r, i) => allowed[i] && r.action !== 'remove',
    );
    // the environments are read together, the status comes from the cache
    const envs = await Promise.all(
      visible.map(r =>
        this.cachedRead(`env:${r.environment}`, () =>
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
    result.sort(
      (a, b) =>
        ENVIRONMENT_TIERS.indexOf(a.env.tier) -
          ENVIRONMENT_TIERS.indexOf(b.env.tier) ||
        a.env.name.localeCompare(b.env.name),
    );
    return withPipeline(result, this.deps.pipeline, () =>
      this.cachedRead('envs', () => this.deps.environments.listEnvironments()),
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
    const ref = normalizeComponentRef(componentRef);
    checkBody({ environment }, ['environment'], { environment: envName(true) });
    const env = await this.environment(
      actor,
      'deployment.read',
      environment as string,
    );
    const [current] = await this.deps.deployments.listRevisions(ref, env.name);
    if (!current)
      throw new NotFoundError(`${ref} is not deployed in ${env.name}`);
    const desired = await this.desiredObjects(actor, ref, env, current);
    const live = await Promise.all(
      desired.map(o => this.deps.gateway.get(env.cluster, refOf(o))),
    );
    return driftOf(desired.map((d, i) => ({ desired: d, live: live[i] })));
  }

  private async desiredObjects(
    actor: Actor,
    ref: string,
    env: EnvironmentRecord,
    revision: {
      releaseId: string;
      replicas?: number;
      kubernetesId?: string;
      configVersion?: string;
    },
  ) {
    const release = await this.requireRelease(revision.releaseId);
    const component = await this.deps.workloads.component(ref, actor).catch(
      (): ComponentInfo => ({
        ref,
        name: ref.split('/')[1],
        kubernetesId: revision.kubernetesId ?? ref.split('/')[1],
      }),
    );
    return this.render(
      component,
      env,
      release,
      revision.replicas ?? 1,
      await this.deps.config?.effectiveAt(ref, env, revision.configVersion),
      await this.deps.resources?.outputsFor(
        component,
        env,
        release.workload as WorkloadSpec,
      ),
    );
  }

  /** The objects of a release of a component in an environment, with its config. */
  private render(
    component: ComponentInfo,
    env: EnvironmentRecord,
    release: Release,
    replicas: number,
    config: Record<string, ConfigValue> | undefined,
    resourceOutputs?: ResourceOutputs,
  ) {
    return renderWorkload({
      component: {
        name: component.name,
        kubernetesId: component.kubernetesId,
        ...(component.system && { system: component.system }),
        ...(component.owner && { owner: component.owner }),
      },
      environment: { name: env.name, namespace: env.namespace, tier: env.tier },
      spec: withConfig(release.workload as WorkloadSpec, config),
      releaseId: release.id,
      replicas,
      ...(resourceOutputs && { resourceOutputs }),
      ...this.ingress(component.name, env),
    });
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
        ]);
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

  private async rollout(
    actor: Actor,
    action: RevisionAction,
    component: ComponentInfo,
    env: EnvironmentRecord,
    release: Release,
    opts: {
      replicas?: number;
      from?: string;
      dryRun: boolean;
      origin?: Origin;
      restartedAt?: string;
      approval?: { id: string; approvers: string[] };
      onProgress: ProgressListener;
    },
  ): Promise<DeployResult> {
    const [previous] = await this.deps.deployments.listRevisions(
      component.ref,
      env.name,
    );
    // this environment's configuration, merged at deploy time (the release stays the same)
    const config = await this.deps.config?.effective(component.ref, env);
    const secretRefs = await this.deps.secrets?.forDeploy(component.ref, env);
    // a rollout restart stays in the pod template until the next restart
    const restartedAt = opts.restartedAt ?? previous?.restartedAt;
    const renderWith = (outputs: ResourceOutputs | undefined) =>
      withRestart(
        withSecretRefs(
          this.render(
            component,
            env,
            release,
            opts.replicas ?? previous?.replicas ?? 1,
            config?.values,
            outputs,
          ),
          secretRefs,
        ),
        restartedAt,
      );
    // resources are matched and the workload rendered with their outputs
    // before anything is written (an unknown type or output refuses the
    // deploy); they are provisioned, and waited for, only for real
    const spec = release.workload as WorkloadSpec;
    let objects = renderWith(
      await this.deps.resources?.outputsFor(component, env, spec),
    );
    // what the renderer made obeys the type's exposure rules and the
    // namespace's Pod Security level as a guarded apply must (it does by
    // construction; this keeps it so), checked before anything is written
    const exposed = this.deps.exposure
      ? checkExposure(
          objects,
          this.deps.exposure(env),
          i => `${objects[i].kind}/${objects[i].metadata.name}`,
        )
      : [];
    if (exposed.length) throw new ValidationError(exposed);
    const insecure = await podSecurityViolations(
      this.deps.gateway,
      env.cluster,
      env.namespace,
      objects,
      (i, path) => workloadField(objects[i], path, component.name),
    );
    if (insecure.length) throw new ValidationError(insecure);
    const resourceWarnings: ClusterWarning[] = [];
    if (this.deps.resources && !opts.dryRun) {
      objects = renderWith(
        await this.deps.resources.provisionFor(
          actor,
          component,
          env,
          spec,
          opts.onProgress,
          resourceWarnings,
        ),
      );
    }
    const live = await Promise.all(
      objects.map(o => this.deps.gateway.get(env.cluster, refOf(o))),
    );
    const target = `${component.ref}@${env.name}`;
    // the same task asking again for the same change (a scaffolder step
    // resumed after the backend died mid-request) gets what it already made
    if (
      !opts.dryRun &&
      opts.origin &&
      previous?.origin?.taskId === opts.origin.taskId &&
      previous.releaseId === release.id &&
      previous.action === action
    ) {
      opts.onProgress(
        `task ${opts.origin.taskId} already made revision ${previous.revision}`,
      );
      return { release, revision: previous, diff: '', dryRun: false };
    }
    if (opts.dryRun) {
      opts.onProgress(`dry run of release ${release.id} in ${env.name}`);
      const { objects: desired, warnings } =
        await this.deps.gateway.applyWithWarnings(env.cluster, objects, {
          dryRun: true,
        });
      // every object the deploy would write: the resources' too
      const { objects: written, diff } = describeRollout(
        (await this.deps.resources?.previewFor?.(component, env, spec)) ?? [],
        desired.map((d, i) => ({ live: live[i], desired: d })),
      );
      return {
        release,
        diff,
        dryRun: true,
        objects: written,
        ...(warnings.length && { warnings: warningLines(warnings) }),
      };
    }
    try {
      await this.deps.deployments.putRelease(release);
      opts.onProgress(
        `applying release ${release.id} (${release.image}) to ${env.name}`,
      );
      const { objects: applied, warnings: warned } =
        await this.deps.gateway.applyWithWarnings(env.cluster, objects);
      const warnings = warningLines([...resourceWarnings, ...warned]);
      for (const w of warnings) opts.onProgress(`warning: ${w}`);
      const changed = applied
        .filter(
          (o, i) =>
            live[i]?.metadata.resourceVersion !== o.metadata.resourceVersion,
        )
        .map(o => `${o.kind}/${o.metadata.name}`);
      const diff = diffObjects(
        applied.map((d, i) => ({ live: live[i], desired: d })),
      );
      const revision = await this.deps.deployments.appendRevision({
        component: component.ref,
        environment: env.name,
        releaseId: release.id,
        image: release.image,
        action,
        actor: actor.ref,
        at: this.deps.clock.now().toISOString(),
        ...(opts.from && { from: opts.from }),
        ...(opts.origin && { origin: opts.origin }),
        ...(restartedAt && { restartedAt }),
        ...(opts.approval && { approval: opts.approval }),
        replicas: opts.replicas ?? previous?.replicas ?? 1,
        kubernetesId: component.kubernetesId,
        ...(config && { configVersion: config.version }),
        changed,
        // what this revision changed, for the history view (bounded)
        diff:
          diff.length > 65536 ? `${diff.slice(0, 65536)}\n… (truncated)` : diff,
        ...(warnings.length && { warnings }),
      });
      this.reads.delete(`current:${component.ref}`);
      opts.onProgress(
        `revision ${revision.revision}: ${
          changed.length ? changed.join(', ') : 'no change'
        }`,
      );
      await this.deps.auditor.record({
        action: `deployment.${action}`,
        actor: actor.ref,
        targetKind: 'deployment',
        target,
        outcome: 'succeeded',
        details: {
          release: release.id,
          image: release.image,
          revision: revision.revision,
          ...(opts.from && { from: opts.from }),
          changed,
          ...(warnings.length && { warnings }),
        },
      });
      return {
        release,
        revision,
        diff,
        dryRun: false,
      };
    } catch (e) {
      await this.deps.auditor.record({
        action: `deployment.${action}`,
        actor: actor.ref,
        targetKind: 'deployment',
        target,
        outcome: 'failed',
        details: { release: release.id },
        error: (e as Error).message,
      });
      throw e;
    }
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
    return this.rollout(actor, request.action, component, env, release, {
      replicas: request.replicas,
      restartedAt: request.restartedAt,
      from: request.from,
      origin: request.origin,
      approval: request.approval,
      dryRun: request.dryRun === true,
      onProgress: request.onProgress ?? noProgress,
    });
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
    const objects = this.render(component, env, release, 0, undefined);
    const target = `${componentRef}@${env.name}`;
    for (const o of [...objects].reverse()) {
      await this.deps.gateway.delete(env.cluster, refOf(o));
    }
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
    });
    this.reads.delete(`current:${componentRef}`);
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
    return this.rollout(actor, action, component, environment, release, {
      ...opts,
      dryRun,
      origin: originOf(body.origin),
    });
  }

  private ingress(component: string, env: EnvironmentRecord) {
    const host = this.deps.ingressHost?.(component, env);
    return host ? { ingressHost: host } : {};
  }

  /** Authorizes `action` on the environment, then loads it (403 before 404). */
  private async environment(
    actor: Actor,
    action: StagecraftAction,
    name: string,
  ) {
    await authorizeOrThrow(
      this.deps,
      actor,
      action,
      name,
      { targetKind: 'deployment', target: name },
      `${actor.ref} is not allowed to ${action.replace(
        'deployment.',
        '',
      )} in environment "${name}"`,
    );
    const env = await this.deps.environments.getEnvironment(name);
    if (!env) throw new NotFoundError(`environment "${name}" not found`);
    return env;
  }

  private async requireRelease(id: string): Promise<Release> {
    const release = await this.deps.deployments.getRelease(id);
    if (!release) throw new NotFoundError(`release ${id} not found`);
    return release;
  }
}

/** The image of the first container. */
function mainImage(spec: WorkloadSpec): string {
  return Object.values(spec.containers)[0].image;
}

/**
 * Applies an image override to the first container: a bare tag replaces the
 * tag of the spec's image, anything else replaces the image.
 */
export function withImage(
  spec: WorkloadSpec,
  image: string | undefined,
): WorkloadSpec {
  if (!image) return spec;
  const [name, container] = Object.entries(spec.containers)[0];
  let next = image;
  if (TAG.test(image) && !image.includes(':') && !image.includes('/')) {
    const base = container.image.replace(/@sha256:[0-9a-f]+$/, '');
    const slash = base.lastIndexOf('/');
    const colon = base.lastIndexOf(':');
    next = `${colon > slash ? base.slice(0, colon) : base}:${image}`;
  }
  return {
    ...spec,
    containers: { ...spec.containers, [name]: { ...container, image: next } },
  };
}

/**
 * Configuration values become environment variables of every container,
 * overriding the workload's own defaults of the same name.
 */
export function withConfig(
  spec: WorkloadSpec,
  values: Record<string, ConfigValue> | undefined,
): WorkloadSpec {
  if (!values || Object.keys(values).length === 0) return spec;
  const vars = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      // literal: a value is never expanded as a Score placeholder
      (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\$/g, '$$$$'),
    ]),
  );
  return {
    ...spec,
    containers: Object.fromEntries(
      Object.entries(spec.containers).map(([name, c]) => [
        name,
        { ...c, variables: { ...c.variables, ...vars } },
      ]),
    ),
  };
}

/**
 * Each secret key becomes an environment variable of every container that
 * references the Secret (`secretKeyRef`): the value never enters the
 * Deployment. A pod-template annotation carries the keys' versions, so a
 * rotation rolls the pods on the next deploy.
 */
export function withSecretRefs(
  objects: KubeObject[],
  secrets: { name: string; keys: string[]; version: string } | undefined,
): KubeObject[] {
  if (!secrets || secrets.keys.length === 0) return objects;
  return objects.map(o => {
    if (o.kind !== 'Deployment') return o;
    const d = JSON.parse(JSON.stringify(o));
    const template = d.spec.template;
    template.metadata.annotations = {
      ...template.metadata.annotations,
      'stagecraft.io/secrets-version': secrets.version,
    };
    for (const c of template.spec.containers) {
      const env = (c.env ?? []).filter(
        (e: { name: string }) => !secrets.keys.includes(e.name),
      );
      c.env = [
        ...env,
        ...secrets.keys.map(key => ({
          name: key,
          valueFrom: { secretKeyRef: { name: secrets.name, key } },
        })),
      ];
    }
    return d;
  });
}

/** Pod template annotation of `kubectl rollout restart`. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Puts the restart annotation on the Deployment's pod template. */
export function withRestart(
  objects: KubeObject[],
  restartedAt: string | undefined,
): KubeObject[] {
  if (!restartedAt) return objects;
  return objects.map(o => {
    if (o.kind !== 'Deployment') return o;
    const spec = o.spec as {
      template: { metadata?: { annotations?: Record<string, string> } };
    };
    return {
      ...o,
      spec: {
        ...spec,
        template: {
          ...spec.template,
          metadata: {
            ...spec.template.metadata,
            annotations: {
              ...spec.template.metadata?.annotations,
              [RESTARTED_AT]: restartedAt,
            },
          },
        },
      },
    };
  });
}

/** What the gate says about a change into a protected environment. */
export interface DeploymentGate {
  /**
   * Throws when the environment's deployment windows are closed (naming the
   * next opening); returns the pending request when approvals are required,
   * undefined when the change may go ahead.
   */
  admit(request: {
    actor: Actor;
    action: 'deploy' | 'promote' | 'rollback';
    component: string;
    environment: EnvironmentRecord;
    release: Release;
    from?: string;
  }): Promise<ApprovalRequest | undefined>;
}
