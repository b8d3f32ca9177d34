import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  Environment,
  ENVIRONMENT_EVENTS_TOPIC,
  EnvironmentChangeEvent,
  toEnvironmentEntity,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { backOff, BackoffOptions } from 'exponential-backoff';

/** How the initial list is retried while the Stagecraft backend is not up yet. */
export const DEFAULT_INITIAL_LOAD_BACKOFF: BackoffOptions = {
  numOfAttempts: 10,
  startingDelay: 1_000,
  timeMultiple: 2,
  maxDelay: 60_000,
  jitter: 'full',
};

/** Options of {@link EnvironmentEntityProvider}. @public */
export interface EnvironmentEntityProviderOptions {
  /** Only `listEnvironments` is used. */
  client: Pick<StagecraftClient, 'listEnvironments'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  events: Pick<EventsService, 'subscribe'>;
  logger: LoggerService;
  /** Overrides of the default initial-load backoff (tests use short delays). */
  backoff?: BackoffOptions;
}

type ClusterState = Map<string, Map<string, Entity>>;

class StoppedError extends Error {}

/**
 * Emits a `kind: Environment` entity for every environment Stagecraft has
 * provisioned. It never talks to a cluster: it asks the Stagecraft backend for
 * the full list once on connect (with the plugin's own service credentials,
 * retried with exponential backoff and jitter while that backend is starting)
 * and then follows the {@link @stagecraft/backstage-plugin-stagecraft-common#EnvironmentChangeEvent}s the backend's watch
 * cache publishes on {@link @stagecraft/backstage-plugin-stagecraft-common#ENVIRONMENT_EVENTS_TOPIC}. There is no timer-based
 * relist: the backend sends a `full` event per cluster after each resync of
 * its watch, which heals anything missed.
 *
 * Entities carry the location key `stagecraft:<cluster>`. A YAML-declared
 * Environment with the same name has the same entity ref but another location
 * key, so the catalog keeps exactly one of them: whichever claimed the ref
 * first (the other claim is refused and logged by the catalog).
 *
 * @public
 */
export class EnvironmentEntityProvider implements EntityProvider {
  private readonly client: EnvironmentEntityProviderOptions['client'];
  private readonly auth: EnvironmentEntityProviderOptions['auth'];
  private readonly events: EnvironmentEntityProviderOptions['events'];
  private readonly logger: LoggerService;
  private readonly backoff: BackoffOptions;

  private connection?: EntityProviderConnection;
  /** cluster → environment name → entity, as last reported by Stagecraft. */
  private state: ClusterState = new Map();
  /**
   * Whether `state` is known to be complete (the full list was loaded once).
   * Until then a `full` event for one cluster is applied as a delta, so that
   * entities of other clusters persisted by an earlier run are not dropped.
   */
  private baseline = false;
  /**
   * Events received since the current list attempt started; replayed on top
   * of the list so that a change racing the request is not lost.
   */
  private journal?: EnvironmentChangeEvent[];
  /** Serialises mutations so they reach the catalog in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: EnvironmentEntityProviderOptions) {
    this.client = options.client;
    this.auth = options.auth;
    this.events = options.events;
    this.logger = options.logger;
    this.backoff = { ...DEFAULT_INITIAL_LOAD_BACKOFF, ...options.backoff };
  }

  getProviderName(): string {
    return 'stagecraft-environments';
  }

  /**
   * Subscribes to the change events and starts the initial load in the
   * background: the catalog awaits `connect` during startup, and the
   * Stagecraft backend may not be up (or installed) yet.
   */
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.events.subscribe({
      id: this.getProviderName(),
      topics: [ENVIRONMENT_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) => this.onEvent(eventPayload),
    });
    void this.loadAll();
  }

  /**
   * Stops retrying the initial load (at the end of the current backoff
   * delay) and ignores further events. Does not wait, so shutdown is not held
   * up by a pending delay.
   */
  stop(): void {
    this.stopped = true;
  }

  private async loadAll(): Promise<void> {
    let environments: Environment[];
    try {
      environments = await backOff(
        async () => {
          if (this.stopped) throw new StoppedError();
          this.journal = [];
          const credentials = await this.auth.getOwnServiceCredentials();
          return this.client.listEnvironments({ credentials });
        },
        {
          ...this.backoff,
          retry: (error, attempt) => {
            if (this.stopped || error instanceof StoppedError) return false;
            this.logger.info(
              `Stagecraft environments could not be listed (attempt ${attempt}), retrying: ${error}`,
            );
            return true;
          },
        },
      );
    } catch (error) {
      this.journal = undefined;
      if (!this.stopped && !(error instanceof StoppedError)) {
        this.logger.warn(
          `Gave up listing Stagecraft environments, is the stagecraft backend plugin installed? ` +
            `Environments will appear as the stagecraft backend publishes changes. Last error: ${error}`,
        );
      }
      return;
    }

    await this.enqueue(async () => {
      const next: ClusterState = new Map();
      for (const env of environments) {
        setEntity(next, env.cluster, toProviderEntity(env));
      }
      for (const event of this.journal ?? []) {
        applyToState(next, event);
      }
      this.journal = undefined;
      this.state = next;
      this.baseline = true;
      await this.applyFull();
      this.logger.info(
        `Loaded ${countEntities(next)} Stagecraft environments from ${
          next.size
        } cluster(s)`,
      );
    });
  }

  private async onEvent(payload: unknown): Promise<void> {
    if (this.stopped) return;
    const event = parseEvent(payload);
    if (!event) {
      this.logger.warn(
        `Ignoring malformed event on ${ENVIRONMENT_EVENTS_TOPIC}: ${JSON.stringify(
          payload,
        )}`,
      );
      return;
    }
    this.journal?.push(event);
    await this.enqueue(() => this.apply(event));
  }

  private async apply(event: EnvironmentChangeEvent): Promise<void> {
    const connection = this.connection!;
    switch (event.type) {
      case 'full': {
        const removed = applyToState(this.state, event);
        if (this.baseline) {
          await this.applyFull();
        } else {
          await connection.applyMutation({
            type: 'delta',
            added: [...(this.state.get(event.cluster)?.values() ?? [])].map(
              deferred,
            ),
            removed: removed.map(entityRef => ({ entityRef })),
          });
        }
        return;
      }
      case 'upsert': {
        applyToState(this.state, event);
        await connection.applyMutation({
          type: 'delta',
          added: [deferred(toProviderEntity(event.environment))],
          removed: [],
        });
        return;
      }
      case 'delete': {
        const removed = applyToState(this.state, event);
        if (removed.length) {
          await connection.applyMutation({
            type: 'delta',
            added: [],
            removed: removed.map(entityRef => ({ entityRef })),
          });
        }
        return;
      }
      default:
        return;
    }
  }

  private async applyFull(): Promise<void> {
    const entities = [...this.state.values()].flatMap(m => [...m.values()]);
    await this.connection!.applyMutation({
      type: 'full',
      entities: entities.map(deferred),
    });
  }

  /** Runs `task` after every earlier one; failures are logged, not thrown. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).catch(error => {
      this.logger.error(
        `Failed to apply Stagecraft environments to the catalog: ${error}`,
      );
    });
    this.queue = run;
    return run;
  }
}

/** The entity of a provisioned environment, with the location annotations. */
function toProviderEntity(env: Environment): Entity {
  const entity = toEnvironmentEntity(env) as unknown as Entity;
  const location = `stagecraft:cluster/${env.cluster}`;
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
      },
    },
  };
}

function deferred(entity: Entity): DeferredEntity {
  return {
    entity,
    locationKey: `stagecraft:${clusterOf(entity)}`,
  };
}

function clusterOf(entity: Entity): string {
  return (entity.spec as { cluster: string }).cluster;
}

function countEntities(state: ClusterState): number {
  return [...state.values()].reduce((n, m) => n + m.size, 0);
}

/**
 * Puts an entity under its cluster. Names are unique across clusters, so a
 * name reported by another cluster than before has moved there.
 */
function setEntity(state: ClusterState, cluster: string, entity: Entity) {
  const name = entity.metadata.name;
  for (const [other, entities] of state) {
    if (other !== cluster) entities.delete(name);
  }
  if (!state.has(cluster)) state.set(cluster, new Map());
  state.get(cluster)!.set(name, entity);
}

/**
 * Applies an event to `state` and returns the entity refs it removed. A
 * `delete` for a name the state does not know (e.g. persisted by an earlier
 * run) is still reported as removed unless another cluster owns that name.
 */
function applyToState(
  state: ClusterState,
  event: EnvironmentChangeEvent,
): string[] {
  const ref = (name: string) =>
    stringifyEntityRef({ kind: 'Environment', namespace: 'default', name });
  switch (event.type) {
    case 'full': {
      const before = state.get(event.cluster) ?? new Map<string, Entity>();
      state.set(event.cluster, new Map());
      for (const env of event.environments) {
        setEntity(state, event.cluster, toProviderEntity(env));
      }
      const after = state.get(event.cluster)!;
      return [...before.keys()].filter(name => !after.has(name)).map(ref);
    }
    case 'upsert':
      setEntity(state, event.cluster, toProviderEntity(event.environment));
      return [];
    case 'delete': {
      state.get(event.cluster)?.delete(event.name);
      const elsewhere = [...state.values()].some(m => m.has(event.name));
      return elsewhere ? [] : [ref(event.name)];
    }
    default:
      return [];
  }
}

/** Checks the shape of an event payload (events cross a process boundary). */
function parseEvent(payload: unknown): EnvironmentChangeEvent | undefined {
  const e = payload as Partial<Record<string, unknown>> | undefined;
  if (!e || typeof e !== 'object' || typeof e.cluster !== 'string') {
    return undefined;
  }
  const isEnv = (v: unknown): v is Environment =>
    !!v &&
    typeof v === 'object' &&
    typeof (v as Environment).name === 'string' &&
    typeof (v as Environment).cluster === 'string';
  switch (e.type) {
    case 'full':
      return Array.isArray(e.environments) && e.environments.every(isEnv)
        ? (e as EnvironmentChangeEvent)
        : undefined;
    case 'upsert':
      return isEnv(e.environment) ? (e as EnvironmentChangeEvent) : undefined;
    case 'delete':
      return typeof e.name === 'string'
        ? (e as EnvironmentChangeEvent)
        : undefined;
    default:
      return undefined;
  }
}
