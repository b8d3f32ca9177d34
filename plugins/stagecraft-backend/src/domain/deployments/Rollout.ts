import {
  ConfigValue,
  DeployResult,
  Origin,
  Release,
  RevisionAction,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { checkExposure } from '../policy/exposure';
import { podSecurityViolations } from '../policy/podSecurity';
import type {
  Actor,
  ClusterWarning,
  ComponentInfo,
  EnvironmentRecord,
  KubeObject,
  ProgressListener,
} from '../ports';
import { refOf } from '../environments/manifests';
import { renderWorkload, ResourceOutputs, WorkloadSpec } from '../workloads';
import { allInOrder } from '../inOrder';
import { diffObjects } from './diff';
import { describeRollout, workloadField } from './rolloutParts';
import { sayWarnings, warningLines } from '../warnings';
import type { DeploymentDeps } from './ports';
import { currentKey, ReadCache } from './readCache';
import { requireRelease } from './lookups';
import { withConfig, withRestart, withSecretRefs } from './transforms';

/**
 * Renders a release of a component for an environment (with its config,
 * secret references and resource outputs) and rolls it out: the checks
 * before anything is written, server-side apply, the revision and its audit.
 */
export class Rollout {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly cache: ReadCache,
  ) {}

  async desiredObjects(
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
    const release = await requireRelease(this.deps, revision.releaseId);
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
  render(
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

  async rollout(
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
    const spec = release.workload as WorkloadSpec;
    // independent reads, together: the last revision, this environment's
    // configuration (merged at deploy time; the release stays the same), its
    // secrets, and the resources' outputs the workload is rendered with
    // (an unknown type or output refuses the deploy before anything is
    // written; they are provisioned, and waited for, only for real)
    const [[previous], config, secretRefs, matched] = await allInOrder([
      this.deps.deployments.listRevisions(component.ref, env.name),
      this.deps.config?.effective(component.ref, env),
      this.deps.secrets?.forDeploy(component.ref, env),
      this.deps.resources?.outputsFor(component, env, spec),
    ]);
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
    let objects = renderWith(matched);
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
    if (exposed.length) throw new InputError(exposed);
    const insecure = await podSecurityViolations(
      this.deps.gateway,
      env.cluster,
      env.namespace,
      objects,
      (i, path) => workloadField(objects[i], path, component.name),
    );
    if (insecure.length) throw new InputError(insecure);
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
    const audit = (
      outcome: 'succeeded' | 'failed',
      details: Record<string, unknown>,
      error?: string,
    ) =>
      this.deps.auditor.record({
        action: `deployment.${action}`,
        actor: actor.ref,
        targetKind: 'deployment',
        target,
        outcome,
        details,
        ...(outcome === 'failed' && { error }),
      });
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
          // in a GitOps environment Flux owns the live fields (and forces)
          ...(this.deps.gitops?.settingsFor(env) && { force: true }),
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
      const { applied, warned, changed, delivery } = await this.write(
        actor,
        action,
        component,
        env,
        release,
        objects,
        live,
        opts.onProgress,
      );
      const warnings = sayWarnings(
        [...resourceWarnings, ...warned],
        opts.onProgress,
      );
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
        ...(delivery && { delivery }),
      });
      this.cache.forget(currentKey(component.ref));
      opts.onProgress(
        `revision ${revision.revision}: ${
          changed.length ? changed.join(', ') : 'no change'
        }`,
      );
      await audit('succeeded', {
        release: release.id,
        image: release.image,
        revision: revision.revision,
        ...(opts.from && { from: opts.from }),
        changed,
        ...(warnings.length && { warnings }),
        ...(delivery && { commit: delivery.commit }),
      });
      return {
        release,
        revision,
        diff,
        dryRun: false,
      };
    } catch (e) {
      await audit('failed', { release: release.id }, (e as Error).message);
      throw e;
    }
  }

  /**
   * Writes the rendered objects: server-side apply, or in a GitOps
   * environment a commit Flux applies — after a server-side dry run, so a
   * change the cluster would refuse never reaches Git.
   */
  private async write(
    actor: Actor,
    action: RevisionAction,
    component: ComponentInfo,
    env: EnvironmentRecord,
    release: Release,
    objects: KubeObject[],
    live: Array<KubeObject | undefined>,
    onProgress: ProgressListener,
  ) {
    const settings = this.deps.gitops?.settingsFor(env);
    if (!settings) {
      onProgress(
        `applying release ${release.id} (${release.image}) to ${env.name}`,
      );
      const { objects: applied, warnings: warned } =
        await this.deps.gateway.applyWithWarnings(env.cluster, objects);
      const changed = applied
        .filter(
          (o, i) =>
            live[i]?.metadata.resourceVersion !== o.metadata.resourceVersion,
        )
        .map(o => `${o.kind}/${o.metadata.name}`);
      return { applied, warned, changed, delivery: undefined };
    }
    onProgress(
      `checking release ${release.id} (${release.image}) against ${env.name} (server-side dry run)`,
    );
    const { objects: applied, warnings: warned } =
      await this.deps.gateway.applyWithWarnings(env.cluster, objects, {
        dryRun: true,
        // Flux owns the live objects' fields and applies with force
        force: true,
      });
    const delivery = await this.deps.gitops!.delivery.writeComponent(
      actor,
      settings,
      env,
      component,
      objects,
      { action, releaseId: release.id, image: release.image },
      onProgress,
    );
    const changed = applied
      .filter((o, i) => diffObjects([{ live: live[i], desired: o }]) !== '')
      .map(o => `${o.kind}/${o.metadata.name}`);
    return { applied, warned, changed, delivery };
  }

  /**
   * Removes a component's objects from an environment: deletes them, or in
   * a GitOps environment commits the removal of its folder (Flux prunes).
   */
  async remove(
    actor: Actor,
    component: ComponentInfo,
    env: EnvironmentRecord,
    objects: KubeObject[],
  ) {
    const settings = this.deps.gitops?.settingsFor(env);
    if (settings) {
      return this.deps.gitops!.delivery.removeComponent(
        actor,
        settings,
        env,
        component,
        () => {},
      );
    }
    for (const o of [...objects].reverse()) {
      await this.deps.gateway.delete(env.cluster, refOf(o));
    }
    return undefined;
  }

  private ingress(component: string, env: EnvironmentRecord) {
    const host = this.deps.ingressHost?.(component, env);
    return host ? { ingressHost: host } : {};
  }
}
