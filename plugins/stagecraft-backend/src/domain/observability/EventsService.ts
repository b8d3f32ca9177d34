import {
  assertDnsLabel,
  ClusterEventsResponse,
  FieldError,
  InputError,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ServiceUnavailableError, NotFoundError } from '../errors';
import { requireEnvironment } from '../input';
import type {
  Actor,
  DeploymentStore,
  EnvironmentRecord,
  EnvironmentStore,
  Guarded,
  ResourceStore,
  WorkloadObserver,
} from '../ports';
import { normalizeComponentRef } from '../deployments/DeploymentService';
import type { ClusterEventSource, KubeEvent } from './ports';
import { belongsTo, ComponentObjects, summarize } from './events';

type Scope = {
  env: EnvironmentRecord;
  filter: (e: KubeEvent) => boolean;
  component?: string;
  watch: boolean;
};

/** Validates `environment` (component events) and `watch`; 400 naming the field. */
function parseQuery(query: unknown, withEnvironment: boolean) {
  const q = (query ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const known = withEnvironment ? ['environment', 'watch'] : ['watch'];
  for (const key of Object.keys(q)) {
    if (!known.includes(key))
      errors.push({ field: key, message: `${key} is not a known parameter` });
  }
  if (withEnvironment) {
    const e = validateDnsLabel(q.environment, 'environment');
    if (e) errors.push(e);
  }
  if (q.watch !== undefined && q.watch !== 'true' && q.watch !== 'false') {
    errors.push({ field: 'watch', message: 'watch must be true or false' });
  }
  if (errors.length) throw new InputError(errors);
  return {
    environment: q.environment as string | undefined,
    watch: q.watch === 'true',
  };
}

/**
 * Kubernetes events of a component's objects in an environment, or of an
 * environment's whole namespace (quota and admission refusals show as
 * ReplicaSet FailedCreate events): listed or watched through the API
 * server, deduplicated, newest first; authorized with `events.read`.
 */
export class EventsService {
  constructor(
    private readonly deps: Guarded & {
      environments: EnvironmentStore;
      deployments: DeploymentStore;
      observer: WorkloadObserver;
      resources?: ResourceStore;
      events: ClusterEventSource;
      /** How long a burst of changes is coalesced into one update. */
      coalesceMs?: number;
    },
  ) {}

  /** Checks the request of a component's events (400/403/404 before any answer). */
  async component(
    actor: Actor,
    componentRef: unknown,
    query: unknown,
  ): Promise<Scope> {
    const ref = normalizeComponentRef(componentRef);
    const q = parseQuery(query, true);
    const env = await this.environment(actor, q.environment!);
    const [revision] = await this.deps.deployments.listRevisions(ref, env.name);
    if (!revision)
      throw new NotFoundError(`${ref} is not deployed in ${env.name}`);
    const kubernetesId = revision.kubernetesId ?? ref.split('/')[1];
    const cached = this.deps.observer.observe(
      env.cluster,
      env.namespace,
      kubernetesId,
    );
    const name = cached.deployment?.metadata.name ?? ref.split('/')[1];
    const objects: ComponentObjects = {
      component: ref,
      name,
      known: new Set(
        [cached.deployment, ...cached.replicaSets, ...cached.pods]
          .filter(Boolean)
          .map(o => `${o!.kind}/${o!.metadata.name}`),
      ),
      statefulSets: [],
    };
    if (this.deps.resources) {
      const mine = new Set(
        (await this.deps.resources.listConsumers(env.name))
          .filter(c => c.component === ref)
          .map(c => c.name),
      );
      for (const r of await this.deps.resources.listResources(env.name)) {
        if (!mine.has(r.name)) continue;
        for (const o of r.objects) {
          objects.known.add(`${o.kind}/${o.name}`);
          if (o.kind === 'StatefulSet') objects.statefulSets.push(o.name);
        }
      }
    }
    return { env, filter: belongsTo(objects), component: ref, watch: q.watch };
  }

  /** Checks the request of an environment's events. */
  async environmentScope(
    actor: Actor,
    name: unknown,
    query: unknown,
  ): Promise<Scope> {
    const q = parseQuery(query, false);
    const env = await this.environment(actor, assertDnsLabel(name, 'name'));
    return { env, filter: () => true, watch: q.watch };
  }

  /** The events of a scope now. */
  async list(scope: Scope): Promise<ClusterEventsResponse> {
    this.available(scope.env);
    const events = await this.deps.events.listEvents(
      scope.env.cluster,
      scope.env.namespace,
    );
    return { items: summarize(events.filter(scope.filter), scope.component) };
  }

  /**
   * Calls `onUpdate` with the whole answer now and every time it changes
   * (bursts coalesced); returns the stop function, which closes the watch.
   */
  async watch(
    scope: Scope,
    onUpdate: (response: ClusterEventsResponse) => void,
    onError: (e: Error) => void,
  ): Promise<() => void> {
    this.available(scope.env);
    let sent = '';
    let timer: NodeJS.Timeout | undefined;
    let latest: KubeEvent[] = [];
    let closed = false;
    const flush = () => {
      timer = undefined;
      if (closed) return;
      const response = {
        items: summarize(latest.filter(scope.filter), scope.component),
      };
      const text = JSON.stringify(response);
      if (text === sent) return;
      sent = text;
      onUpdate(response);
    };
    let first = true;
    const stop = await this.deps.events.watchEvents(
      scope.env.cluster,
      scope.env.namespace,
      events => {
        latest = events;
        if (first) {
          first = false;
          flush();
          return;
        }
        timer ??= setTimeout(flush, this.deps.coalesceMs ?? 200);
      },
      onError,
    );
    if (first) flush();
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
      stop();
    };
  }

  private available(env: EnvironmentRecord) {
    const down = this.deps.observer.clusterError?.(env.cluster);
    if (down) throw new ServiceUnavailableError(down);
  }

  private environment(actor: Actor, name: string) {
    return requireEnvironment(this.deps, actor, {
      action: 'events.read',
      name,
      targetKind: 'environment',
      message: `${actor.ref} is not allowed to read the events of environment "${name}"`,
    });
  }
}
