import { createHash } from 'node:crypto';
import {
  FieldError,
  LABELS,
  MANAGED_BY,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ResourceCluster,
  ResourceDriver,
  ResourceDriverContext,
  ResourceObject,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { checkExposure, ExposurePolicy } from '../policy/exposure';
import { podSecurityViolations } from '../policy/podSecurity';
import {
  ServiceUnavailableError,
  ConflictError,
  NotAllowedError,
} from '../errors';
import type {
  Clock,
  ClusterGateway,
  ClusterWarning,
  EnvironmentRecord,
  KubeObject,
  ProgressListener,
} from '../ports';
import type { ResolvedDefinition } from './definitions';
import type { PreviewRecorder } from './preview';

/**
 * The cluster as resource drivers see it, and what they are given: object
 * names, the bound cluster (one namespace, labelled, no Secret reads, no
 * adoption), the driver context and the wait for readiness. Used by
 * ResourceService.
 */

/** Annotation on every object of a resource: the components that asked for it. */
export const REQUESTED_BY_ANNOTATION = 'stagecraft.io/requested-by';

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
export interface Planned {
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

export const definitionOf = (p: Planned) => ({
  id: p.definition.id,
  driver: p.driver.name,
  params: p.definition.params,
});

/** A driver's 400 about request params, re-addressed to `resources.<name>`. */
export function inResource(e: unknown, resourceName: string): unknown {
  if (!(e instanceof InputError)) return e;
  return new InputError(
    e.errors.map(err => ({
      field: err.field.startsWith('resources.params.')
        ? `resources.${resourceName}.${err.field.slice('resources.'.length)}`
        : err.field,
      message: `resources.${resourceName}: ${err.message}`,
    })),
  );
}

export const nonEmpty = (o: Record<string, unknown> | undefined) =>
  Boolean(o && Object.keys(o).length);

export const describeKey = (key: string) =>
  key.startsWith('id:')
    ? `the shared resource id "${key.slice(3)}"`
    : `resources.${key.split('#')[1]} of ${key.split('#')[0]}`;

/**
 * The cluster as drivers see it: the environment's cluster and namespace
 * only, every written object labelled and annotated as the resource's, no
 * Secret reads, and no adopting objects Stagecraft does not manage.
 */
export function boundCluster(
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
      throw new InputError([
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
      if (exposed.length) throw new InputError(exposed);
      if (mode.check || preview) {
        // a kind the cluster does not serve (e.g. http-route's HTTPRoute
        // without Gateway API) is refused before anything is written
        const unserved: FieldError[] = [];
        for (const o of desired) {
          const scope = await gateway.kindScope(
            env.cluster,
            o.apiVersion,
            o.kind,
          );
          if (scope !== 'Namespaced') {
            unserved.push({
              field: `${o.kind}/${o.metadata.name}.kind`,
              message: `${o.kind}/${o.metadata.name}: ${
                scope === 'Cluster'
                  ? `${o.kind} is cluster-scoped; resources live in the environment's namespace`
                  : `cluster ${env.cluster} does not serve ${o.apiVersion} ${o.kind}`
              }`,
            });
          }
        }
        if (unserved.length) throw new InputError(unserved);
        const insecure = await podSecurityViolations(
          gateway,
          env.cluster,
          env.namespace,
          desired,
          (i, path) => `${desired[i].kind}/${desired[i].metadata.name}.${path}`,
        );
        if (insecure.length) throw new InputError(insecure);
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

export function refOf(o: KubeObject) {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
}

/** What a driver is given: the resource, its definition, the environment and the bound cluster. */
export function driverContext(
  deps: {
    gateway: ClusterGateway;
    exposure?: (env: EnvironmentRecord) => ExposurePolicy;
  },
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
  const exposure = deps.exposure?.(env);
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
      deps.gateway,
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

/** Polls the driver's status until the resource is ready; 503 naming it at the deadline. */
export async function waitReady(
  deps: { clock: Clock; readyTimeoutMs?: number; pollMs?: number },
  p: Planned,
  ctx: ResourceDriverContext,
  onProgress: ProgressListener,
) {
  const timeout = deps.readyTimeoutMs ?? 180_000;
  const started = deps.clock.now().getTime();
  let lastMessage: string | undefined;
  let lastReport = started;
  for (;;) {
    const status = await p.driver.status(ctx);
    if (status.ready) {
      onProgress(`resource ${p.name} ready`);
      return;
    }
    const now = deps.clock.now().getTime();
    if (now - started >= timeout) {
      throw new ServiceUnavailableError(
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
    await deps.clock.sleep(deps.pollMs ?? 1000);
  }
}
