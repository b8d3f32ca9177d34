import { ExposurePolicy } from '../policy/exposure';
import {
  assertDnsLabel,
  ProvisionedResource,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceDriver,
  ResourceDriverContext,
  ResourceOutputs,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { ConflictError } from '../errors';
import { authorizeOrThrow, requireEnvironment } from '../input';
import type {
  Actor,
  ClusterGateway,
  ClusterWarning,
  ComponentInfo,
  EnvironmentRecord,
  ProgressListener,
  ResourceConsumerRecord,
  ResourceRecord,
  ResourceStore,
  UseCaseDeps,
} from '../ports';
import { canonicalJson } from '../workloads/canonical';
import type { WorkloadSpec } from '../workloads';
import type { ResolvedDefinition } from './definitions';
import { recorder, ResourcePreview } from './preview';
import { planParams } from './paramPlaceholders';
import { matchRequests } from './matchRequests';
import {
  definitionOf,
  describeKey,
  driverContext,
  inResource,
  nonEmpty,
  Planned,
  waitReady,
} from './driverContext';

/** Outputs of a workload's resources by their name in the workload. */
export type WorkloadResourceOutputs = Record<string, ResourceOutputs>;

export { REQUESTED_BY_ANNOTATION, resourceObjectName } from './driverContext';

const noProgress: ProgressListener = () => {};

/**
 * Infrastructure a workload requests (Score `resources`), provisioned per
 * environment by the most specific resource definition's driver before the
 * workload is applied; shared by `id` within an environment; deprovisioned
 * with the environment. Every object carries the resource's labels and the
 * components that asked for it.
 */
export class ResourceService {
  constructor(
    private readonly deps: UseCaseDeps & {
      gateway: ClusterGateway;
      store: ResourceStore;
      drivers: ReadonlyMap<string, ResourceDriver>;
      definitions: ResolvedDefinition[];
      /** How long a deploy waits for its resources to be ready (default 180 s). */
      readyTimeoutMs?: number;
      /** Between two readiness checks (default 1 s). */
      pollMs?: number;
      /** What objects may expose per environment (exposureByType); unchecked when absent. */
      exposure?: (env: EnvironmentRecord) => ExposurePolicy;
    },
  ) {}

  /**
   * The outputs the workload's resources have (or will have) in an
   * environment, without writing anything: for dry runs, drift, and to
   * render a deploy before provisioning. Refuses requests no definition
   * matches, naming the type and the environment.
   */
  async outputsFor(
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
  ): Promise<WorkloadResourceOutputs> {
    const planned = await this.plan(component, env, spec);
    const result: WorkloadResourceOutputs = {};
    for (const p of planned) {
      const outputs = await p.driver
        .outputs(this.context(env, p, definitionOf(p), [], noProgress))
        .catch(e => {
          throw inResource(e, p.resourceNames[0]);
        });
      for (const n of p.resourceNames) result[n] = outputs;
    }
    return result;
  }

  /**
   * What provisioning the workload's resources would write, without writing:
   * each driver runs against a cluster whose applies are server-side dry
   * runs and whose Secret creations are only noted (never read or shown).
   */
  async previewFor(
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
  ): Promise<ResourcePreview[]> {
    const previews: ResourcePreview[] = [];
    for (const p of await this.plan(component, env, spec)) {
      const preview = recorder(p.name);
      const ctx = this.context(
        env,
        p,
        definitionOf(p),
        [component.ref],
        noProgress,
        preview,
      );
      await p.driver.provision(ctx).catch(e => {
        throw inResource(e, p.resourceNames[0]);
      });
      previews.push(...preview.items);
    }
    return previews;
  }

  /**
   * Provisions (idempotently) every resource the workload requests, waits
   * until each is ready, records who asked for it, audits, and returns the
   * outputs. Nothing is written when a request cannot be matched.
   */
  async provisionFor(
    actor: Actor,
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
    onProgress: ProgressListener = noProgress,
    /** Receives the API server's warnings on the drivers' applies. */
    warnings: ClusterWarning[] = [],
  ): Promise<WorkloadResourceOutputs> {
    const now = () => this.deps.clock.now().toISOString();
    if (!nonEmpty(spec.resources)) {
      await this.deps.store.setConsumers(env.name, component.ref, []);
      return {};
    }
    await authorizeOrThrow(
      this.deps,
      actor,
      'resource.provision',
      env.name,
      { targetKind: 'resource', target: env.name },
      `${actor.ref} is not allowed to provision resources in environment "${env.name}"`,
    );
    const planned = await this.plan(component, env, spec);
    // every driver's objects pass the namespace's Pod Security level before
    // any resource is written (a Secret first, then a refused StatefulSet
    // would leave the Secret behind)
    for (const p of planned) {
      const ctx = this.context(
        env,
        p,
        definitionOf(p),
        [component.ref],
        noProgress,
        undefined,
        { check: true },
      );
      await p.driver.provision(ctx).catch(e => {
        throw inResource(e, p.resourceNames[0]);
      });
    }
    const consumersNow = await this.deps.store.listConsumers(env.name);
    const result: WorkloadResourceOutputs = {};
    for (const p of planned) {
      const others = consumersNow
        .filter(c => c.name === p.name && c.component !== component.ref)
        .map(c => c.component);
      const ctx = this.context(
        env,
        p,
        definitionOf(p),
        [...new Set([...others, component.ref])].sort(),
        onProgress,
        undefined,
        { onWarnings: w => warnings.push(...w) },
      );
      const details = {
        resource: p.name,
        type: p.type,
        class: p.class,
        ...(p.id && { id: p.id }),
        driver: p.driver.name,
        definition: p.definition.id,
        component: component.ref,
      };
      try {
        onProgress(
          `provisioning resource ${p.name} (${p.type}) with ${p.driver.name}`,
        );
        const objects = await p.driver.provision(ctx);
        await this.waitReady(p, ctx, onProgress);
        const outputs = await p.driver.outputs(ctx);
        const existing = await this.deps.store.getResource(env.name, p.name);
        const record: ResourceRecord = {
          environment: env.name,
          name: p.name,
          key: p.key,
          type: p.type,
          class: p.class,
          ...(p.id && { id: p.id }),
          driver: p.driver.name,
          definition: { id: p.definition.id, params: p.definition.params },
          params: p.params,
          objects: objects.map(o => ({
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.name,
          })),
          outputs: Object.entries(outputs)
            .map(([name, v]) => ({ name, secret: typeof v !== 'string' }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          createdBy: existing?.createdBy ?? actor.ref,
          createdAt: existing?.createdAt ?? now(),
          updatedAt: now(),
        };
        await this.deps.store.putResource(record);
        await this.deps.auditor.record({
          action: 'resource.provision',
          actor: actor.ref,
          targetKind: 'resource',
          target: env.name,
          outcome: 'succeeded',
          details: {
            ...details,
            objects: record.objects.map(o => `${o.kind}/${o.name}`),
          },
        });
        for (const n of p.resourceNames) result[n] = outputs;
      } catch (e) {
        await this.deps.auditor.record({
          action: 'resource.provision',
          actor: actor.ref,
          targetKind: 'resource',
          target: env.name,
          outcome: 'failed',
          details,
          error: (e as Error).message,
        });
        throw e;
      }
    }
    await this.deps.store.setConsumers(
      env.name,
      component.ref,
      planned.flatMap(p =>
        p.resourceNames.map(
          (resource): ResourceConsumerRecord => ({
            environment: env.name,
            name: p.name,
            component: component.ref,
            resource,
            actor: actor.ref,
            at: now(),
          }),
        ),
      ),
    );
    return result;
  }

  /** The resources of an environment, who asked for them, and their live readiness. */
  async list(actor: Actor, name: unknown): Promise<ProvisionedResource[]> {
    const envName = assertDnsLabel(name, 'name');
    const env = await requireEnvironment(this.deps, actor, {
      action: 'resource.read',
      name: envName,
      targetKind: 'resource',
      message: `${actor.ref} is not allowed to read the resources of environment "${envName}"`,
    });
    const [records, consumers] = await Promise.all([
      this.deps.store.listResources(env.name),
      this.deps.store.listConsumers(env.name),
    ]);
    return Promise.all(
      records.map(async r => {
        const mine = consumers.filter(c => c.name === r.name);
        const driver = this.deps.drivers.get(r.driver);
        let status: ProvisionedResource['status'];
        if (driver) {
          status = await driver
            .status(this.recordContext(env, r, mine))
            .catch(() => undefined);
        }
        return {
          environment: r.environment,
          name: r.name,
          type: r.type,
          class: r.class,
          ...(r.id && { id: r.id }),
          driver: r.driver,
          definition: r.definition.id,
          objects: r.objects.map(o => `${o.kind}/${o.name}`),
          outputs: r.outputs,
          consumers: mine.map(c => ({
            component: c.component,
            resource: c.resource,
            actor: c.actor,
            at: c.at,
          })),
          createdBy: r.createdBy,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          ...(status && { status }),
        };
      }),
    );
  }

  /**
   * Deprovisions every resource of an environment (its driver's deprovision,
   * or deleting the objects it recorded when the driver is gone) and forgets
   * them; part of deleting the
   * environment, whose permission the caller has checked.
   */
  async deprovisionAll(
    actor: Actor,
    env: EnvironmentRecord,
    onProgress: ProgressListener = noProgress,
  ): Promise<void> {
    const records = await this.deps.store.listResources(env.name);
    const consumers = await this.deps.store.listConsumers(env.name);
    for (const r of records) {
      const ctx = this.recordContext(
        env,
        r,
        consumers.filter(c => c.name === r.name),
        onProgress,
      );
      try {
        const driver = this.deps.drivers.get(r.driver);
        if (driver) {
          await driver.deprovision(ctx);
        } else {
          // its module is gone: remove what it recorded writing
          for (const o of [...r.objects].reverse()) {
            await ctx.cluster.delete(o);
          }
        }
        await this.deps.store.deleteResource(env.name, r.name);
        onProgress(`deprovisioned resource ${r.name} (${r.type})`);
        await this.deps.auditor.record({
          action: 'resource.deprovision',
          actor: actor.ref,
          targetKind: 'resource',
          target: env.name,
          outcome: 'succeeded',
          details: {
            resource: r.name,
            type: r.type,
            driver: r.driver,
            objects: r.objects.map(o => `${o.kind}/${o.name}`),
          },
        });
      } catch (e) {
        await this.deps.auditor.record({
          action: 'resource.deprovision',
          actor: actor.ref,
          targetKind: 'resource',
          target: env.name,
          outcome: 'failed',
          details: { resource: r.name, type: r.type, driver: r.driver },
          error: (e as Error).message,
        });
        throw e;
      }
    }
  }

  /** Matches every request to a definition and checks shared ids; writes nothing. */
  private async plan(
    component: ComponentInfo,
    env: EnvironmentRecord,
    spec: WorkloadSpec,
  ): Promise<Planned[]> {
    const byName = matchRequests(
      component,
      env,
      spec,
      this.deps.definitions,
      this.deps.drivers,
    );
    // shared resources' recorded params, compared once params are expanded
    const shared = new Map<Planned, Record<string, unknown> | undefined>();
    for (const p of byName.values()) {
      const record = await this.deps.store.getResource(env.name, p.name);
      if (!record) continue;
      const field = `resources.${p.resourceNames[0]}`;
      if (record.key !== p.key) {
        throw new ConflictError(
          `${field}: the resource name "${p.name}" in environment "${
            env.name
          }" is already taken by ${describeKey(record.key)}`,
        );
      }
      if (record.type !== p.type || record.class !== p.class) {
        throw new ConflictError(
          `${field}: shared resource "${p.id}" in environment "${env.name}" is a ${record.type} (class ${record.class}), not a ${p.type} (class ${p.class})`,
        );
      }
      if (p.id !== undefined) {
        if (nonEmpty(p.params)) shared.set(p, record.params);
        else p.params = record.params;
      }
    }
    const planned = await planParams([...byName.values()], spec, p =>
      p.driver
        .outputs(
          this.context(env, p, definitionOf(p), [component.ref], noProgress),
        )
        .catch(e => {
          throw inResource(e, p.resourceNames[0]);
        }),
    );
    for (const [p, recorded] of shared) {
      if (
        nonEmpty(recorded) &&
        canonicalJson(recorded) !== canonicalJson(p.params)
      ) {
        throw new ConflictError(
          `resources.${p.resourceNames[0]}: shared resource "${p.id}" in environment "${env.name}" was provisioned with other params; requests of a shared resource must agree (or leave params out)`,
        );
      }
    }
    return planned;
  }

  private context(
    ...args: Parameters<typeof driverContext> extends [unknown, ...infer R]
      ? R
      : never
  ): ResourceDriverContext {
    return driverContext(
      { gateway: this.deps.gateway, exposure: this.deps.exposure },
      ...args,
    );
  }

  /** The driver context of a recorded resource (as it was provisioned). */
  private recordContext(
    env: EnvironmentRecord,
    r: ResourceRecord,
    consumers: ResourceConsumerRecord[],
    onProgress: ProgressListener = noProgress,
  ): ResourceDriverContext {
    return this.context(
      env,
      r,
      { id: r.definition.id, driver: r.driver, params: r.definition.params },
      [...new Set(consumers.map(c => c.component))].sort(),
      onProgress,
    );
  }

  private waitReady(
    p: Planned,
    ctx: ResourceDriverContext,
    onProgress: ProgressListener,
  ) {
    return waitReady(this.deps, p, ctx, onProgress);
  }
}
