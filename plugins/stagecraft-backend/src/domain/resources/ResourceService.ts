import { createHash } from 'node:crypto';
import { checkExposure, ExposurePolicy } from '../policy/exposure';
import { podSecurityViolations } from '../policy/podSecurity';
import {
  assertDnsLabel,
  FieldError,
  LABELS,
  MANAGED_BY,
  ProvisionedResource,
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceCluster,
  ResourceDriver,
  ResourceDriverContext,
  ResourceObject,
  ResourceOutputs,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  ClusterUnavailableError,
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '../errors';
import { authorizeOrThrow } from '../input';
import type {
  Actor,
  Auditor,
  Authorizer,
  Clock,
  ClusterGateway,
  ClusterWarning,
  ComponentInfo,
  EnvironmentRecord,
  EnvironmentStore,
  KubeObject,
  ProgressListener,
  ResourceConsumerRecord,
  ResourceRecord,
  ResourceStore,
} from '../ports';
import { canonicalJson } from '../workloads/canonical';
import type { WorkloadSpec } from '../workloads';
import { matchDefinition, ResolvedDefinition } from './definitions';
import { PreviewRecorder, recorder, ResourcePreview } from './preview';

/** Outputs of a workload's resources by their name in the workload. */
export type WorkloadResourceOutputs = Record<string, ResourceOutputs>;

/** Annotation on every object of a resource: the components that asked for it. */
export const REQUESTED_BY_ANNOTATION = 'stagecraft.io/requested-by';

const noProgress: ProgressListener = () => {};

/**
 * The object name of a resource: a DNS-1035 label of at most 40 characters
 * (room for suffixes such as a StatefulSet's pods and `-conn`), shortened
 * with a hash when longer.
 */
export function resourceObjectName(base: string): string {
  let name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `r-${name}`;
  if (name.length > 40) {
    name = `${name.slice(0, 31).replace(/-+$/, '')}-${createHash('sha256')
      .update(base)
      .digest('hex')
      .slice(0, 8)}`;
  }
  return name;
}

/** One resource a deploy needs, after matching. */
interface Planned {
  name: string;
  key: string;
  type: string;
  class: string;
  id?: string;
  params: Record<string, unknown>;
  /** Score `resources.<name>.metadata.annotations`, set on its objects. */
  annotations?: Record<string, string>;
  /** The workload's names for it (`resources.<name>`). */
  resourceNames: string[];
  definition: ResolvedDefinition;
  driver: ResourceDriver;
}

const definitionOf = (p: Planned) => ({
  id: p.definition.id,
  driver: p.driver.name,
  params: p.definition.params,
});

/** A driver's 400 about request params, re-addressed to `resources.<name>`. */
function inResource(e: unknown, resourceName: string): unknown {
  if (!(e instanceof ValidationError)) return e;
  return new ValidationError(
    e.errors.map(err => ({
      field: err.field.startsWith('resources.params.')
        ? `resources.${resourceName}.${err.field.slice('resources.'.length)}`
        : err.field,
      message: `resources.${resourceName}: ${err.message}`,
    })),
  );
}

const nonEmpty = (o: Record<string, unknown> | undefined) =>
  Boolean(o && Object.keys(o).length);

const describeKey = (key: string) =>
  key.startsWith('id:')
    ? `the shared resource id "${key.slice(3)}"`
    : `resources.${key.split('#')[1]} of ${key.split('#')[0]}`;

/**
 * The cluster as drivers see it: the environment's cluster and namespace
 * only, every written object labelled and annotated as the resource's, no
 * Secret reads, and no adopting objects Stagecraft does not manage.
 */
function boundCluster(
  gateway: ClusterGateway,
  env: EnvironmentRecord,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  /** A preview: applies are server-side dry runs, nothing else is written. */
  preview?: PreviewRecorder,
  /** What Services and Ingresses may expose in this environment. */
  exposure?: ExposurePolicy,
  /**
   * `check`: nothing is written or dry-run but the Pod Security check (a
   * deploy's pass over every driver before it provisions any); `write` hears
   * the API server's warnings.
   */
  mode:
    | { check: true }
    | { check?: false; onWarnings?: (w: ClusterWarning[]) => void } = {},
): ResourceCluster {
  const placed = (o: ResourceObject): KubeObject => {
    if (
      o.metadata.namespace !== undefined &&
      o.metadata.namespace !== env.namespace
    ) {
      throw new ValidationError([
        {
          field: 'metadata.namespace',
          message: `${o.kind}/${o.metadata.name}: resources live in the environment's namespace "${env.namespace}", not "${o.metadata.namespace}"`,
        },
      ]);
    }
    return {
      ...o,
      metadata: {
        ...o.metadata,
        namespace: env.namespace,
        labels: { ...o.metadata.labels, ...labels },
        annotations: { ...o.metadata.annotations, ...annotations },
      },
    };
  };
  const at = (ref: { apiVersion: string; kind: string; name: string }) => ({
    ...ref,
    namespace: env.namespace,
  });
  return {
    async apply(objects) {
      const desired = objects.map(placed);
      const exposed = exposure
        ? checkExposure(desired, exposure, i => `objects[${i}]`)
        : [];
      if (exposed.length) throw new ValidationError(exposed);
      if (mode.check || preview) {
        const insecure = await podSecurityViolations(
          gateway,
          env.cluster,
          env.namespace,
          desired,
          (i, path) => `${desired[i].kind}/${desired[i].metadata.name}.${path}`,
        );
        if (insecure.length) throw new ValidationError(insecure);
      }
      if (mode.check) return desired;
      for (const o of desired) {
        const live = await gateway.get(env.cluster, at(refOf(o)));
        if (live && live.metadata.labels?.[LABELS.managedBy] !== MANAGED_BY) {
          throw new ConflictError(
            `${o.kind}/${o.metadata.name} already exists in namespace ${env.namespace} and is not managed by Stagecraft; it was left untouched`,
          );
        }
      }
      if (preview) {
        const live = await Promise.all(
          desired.map(o => gateway.get(env.cluster, at(refOf(o)))),
        );
        const applied = await gateway.apply(env.cluster, desired, {
          dryRun: true,
        });
        applied.forEach((o, i) => preview.applied(live[i], o));
        return applied;
      }
      const { objects: applied, warnings } = await gateway.applyWithWarnings(
        env.cluster,
        desired,
      );
      if (!mode.check && warnings.length) mode.onWarnings?.(warnings);
      return applied;
    },
    createIfAbsent: async o => {
      if (mode.check) return true;
      if (!preview) return gateway.create(env.cluster, placed(o));
      preview.createdIfAbsent(placed(o));
      return true;
    },
    mergePatch: async (ref, patch) => {
      if (!preview && !mode.check) {
        await gateway.mergePatch(env.cluster, at(ref), patch);
      }
    },
    async get(ref) {
      if (ref.apiVersion === 'v1' && ref.kind === 'Secret') {
        throw new NotAllowedError('resource drivers may not read Secrets');
      }
      return gateway.get(env.cluster, at(ref));
    },
    delete: async ref => {
      if (!preview && !mode.check) await gateway.delete(env.cluster, at(ref));
    },
  };
}

function refOf(o: KubeObject) {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
}

/**
 * Infrastructure a workload requests (Score `resources`), provisioned per
 * environment by the most specific resource definition's driver before the
 * workload is applied; shared by `id` within an environment; deprovisioned
 * with the environment. Every object carries the resource's labels and the
 * components that asked for it.
 */
export class ResourceService {
  constructor(
    private readonly deps: {
      gateway: ClusterGateway;
      store: ResourceStore;
      environments: EnvironmentStore;
      authorizer: Authorizer;
      auditor: Auditor;
      clock: Clock;
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
    await authorizeOrThrow(
      this.deps,
      actor,
      'resource.read',
      envName,
      { targetKind: 'resource', target: envName },
      `${actor.ref} is not allowed to read the resources of environment "${envName}"`,
    );
    const env = await this.deps.environments.getEnvironment(envName);
    if (!env) throw new NotFoundError(`environment "${envName}" not found`);
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
    const errors: FieldError[] = [];
    const byName = new Map<string, Planned>();
    for (const [resourceName, r] of Object.entries(spec.resources ?? {})) {
      const cls = r.class ?? 'default';
      const definition = matchDefinition(this.deps.definitions, {
        type: r.type,
        class: cls,
        environment: env.name,
        environmentType: env.type,
        component: component.ref,
      });
      if (!definition) {
        errors.push({
          field: `resources.${resourceName}.type`,
          message: `resources.${resourceName}: no resource definition for type "${
            r.type
          }"${cls === 'default' ? '' : ` (class "${cls}")`} in environment "${
            env.name
          }" (environment type "${
            env.type
          }"); a platform engineer can add one to stagecraft.resources.definitions`,
        });
        continue;
      }
      const driver = this.deps.drivers.get(definition.driver)!;
      const key =
        r.id !== undefined ? `id:${r.id}` : `${component.ref}#${resourceName}`;
      const name = resourceObjectName(
        r.id ?? `${component.name}-${resourceName}`,
      );
      const same = byName.get(name);
      if (same) {
        if (same.key !== key || same.type !== r.type || same.class !== cls) {
          errors.push({
            field: `resources.${resourceName}`,
            message: `resources.${resourceName} and resources.${same.resourceNames[0]} would both be the resource "${name}" but differ in id, type or class`,
          });
        } else {
          same.resourceNames.push(resourceName);
        }
        continue;
      }
      byName.set(name, {
        name,
        key,
        type: r.type,
        class: cls,
        ...(r.id !== undefined && { id: r.id }),
        params: (r.params ?? {}) as Record<string, unknown>,
        ...(r.metadata?.annotations && {
          annotations: r.metadata.annotations,
        }),
        resourceNames: [resourceName],
        definition,
        driver,
      });
    }
    if (errors.length) throw new ValidationError(errors);
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
        if (
          nonEmpty(record.params) &&
          nonEmpty(p.params) &&
          canonicalJson(record.params) !== canonicalJson(p.params)
        ) {
          throw new ConflictError(
            `${field}: shared resource "${p.id}" in environment "${env.name}" was provisioned with other params; requests of a shared resource must agree (or leave params out)`,
          );
        }
        if (!nonEmpty(p.params)) p.params = record.params;
      }
    }
    return [...byName.values()];
  }

  private context(
    env: EnvironmentRecord,
    p: {
      name: string;
      type: string;
      class: string;
      id?: string;
      params: Record<string, unknown>;
      annotations?: Record<string, string>;
    },
    definition: ResourceDriverContext['definition'],
    requestedBy: string[],
    onProgress: ProgressListener,
    preview?: PreviewRecorder,
    mode?: Parameters<typeof boundCluster>[6],
  ): ResourceDriverContext {
    const labels = {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.environment]: env.name,
      [LABELS.tier]: env.tier,
      [LABELS.resource]: p.name,
      [LABELS.resourceType]: p.type,
    };
    // the workload's annotations of the resource; Stagecraft's own win
    // (the stagecraft.io/ prefix is refused in workloads anyway)
    const annotations: Record<string, string> = {
      ...p.annotations,
      ...(requestedBy.length && {
        [REQUESTED_BY_ANNOTATION]: requestedBy.join(','),
      }),
    };
    const exposure = this.deps.exposure?.(env);
    return {
      resource: {
        name: p.name,
        type: p.type,
        class: p.class,
        ...(p.id && { id: p.id }),
        params: p.params,
      },
      definition,
      environment: {
        name: env.name,
        namespace: env.namespace,
        cluster: env.cluster,
        tier: env.tier,
        type: env.type,
        ...(exposure?.ingressHostPattern && {
          ingressHostPattern: exposure.ingressHostPattern,
        }),
      },
      labels,
      annotations,
      cluster: boundCluster(
        this.deps.gateway,
        env,
        labels,
        annotations,
        preview,
        exposure,
        mode,
      ),
      onProgress,
    };
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

  private async waitReady(
    p: Planned,
    ctx: ResourceDriverContext,
    onProgress: ProgressListener,
  ) {
    const timeout = this.deps.readyTimeoutMs ?? 180_000;
    const started = this.deps.clock.now().getTime();
    let lastMessage: string | undefined;
    let lastReport = started;
    for (;;) {
      const status = await p.driver.status(ctx);
      if (status.ready) {
        onProgress(`resource ${p.name} ready`);
        return;
      }
      const now = this.deps.clock.now().getTime();
      if (now - started >= timeout) {
        throw new ClusterUnavailableError(
          `resource ${p.name} (${p.type}) in ${
            ctx.environment.name
          } not ready after ${Math.round(timeout / 1000)} s: ${
            status.message ?? 'no status'
          }`,
        );
      }
      if (status.message !== lastMessage || now - lastReport >= 5000) {
        onProgress(
          `waiting for resource ${p.name}: ${status.message ?? 'not ready'}`,
        );
        lastMessage = status.message;
        lastReport = now;
      }
      await this.deps.clock.sleep(this.deps.pollMs ?? 1000);
    }
  }
}
