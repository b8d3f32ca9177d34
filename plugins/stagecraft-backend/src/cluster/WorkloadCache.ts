import type { LoggerService } from '@backstage/backend-plugin-api';
import { LABELS } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject, WorkloadObserver } from '../domain/ports';
import { watchFailure } from './clusterErrors';
import type { WorkloadObjects } from '../domain/deployments/status';
import {
  ClusterAccess,
  Reflector,
  ReflectorStats,
  transportOf,
  WatchedCluster,
  WatchTiming,
} from './Reflector';
import {
  Interner,
  KINDS,
  PATHS,
  PROJECT,
  SELECTOR,
  WorkloadKind,
} from './workloadProjection';

export {
  Interner,
  projectDeployment,
  projectPod,
  projectReplicaSet,
} from './workloadProjection';
export type { WorkloadKind } from './workloadProjection';

type Listener = Parameters<WorkloadObserver['subscribe']>[0];

/** The objects of one component in one namespace. */
interface Entry {
  deployments: Map<string, KubeObject>;
  replicasets: Map<string, KubeObject>;
  pods: Map<string, KubeObject>;
  /** Immutable view handed to readers; rebuilt lazily after a change. */
  snapshot?: WorkloadObjects;
}

const EMPTY: WorkloadObjects = Object.freeze({
  deployment: undefined,
  replicaSets: Object.freeze([]) as unknown as KubeObject[],
  pods: Object.freeze([]) as unknown as KubeObject[],
});

/**
 * One cluster's objects indexed by namespace → kubernetes-id → kind → name,
 * so a read is three map lookups, never a scan of a namespace.
 */
export class WorkloadIndex {
  private readonly scopes = new Map<string, Map<string, Entry>>();
  /** namespace → name → kubernetes-id, per kind (to move or drop an object). */
  private readonly where: Record<
    WorkloadKind,
    Map<string, Map<string, string>>
  > = { deployments: new Map(), replicasets: new Map(), pods: new Map() };
  private readonly counts: Record<WorkloadKind, number> = {
    deployments: 0,
    replicasets: 0,
    pods: 0,
  };

  /** Adds or replaces an object; returns the scopes (namespace, id) it touched. */
  upsert(kind: WorkloadKind, o: KubeObject): Array<[string, string]> {
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    if (!ns || !name) return [];
    const id = o.metadata.labels?.[LABELS.kubernetesId];
    const touched = this.remove(kind, o, id);
    if (!id) return touched;
    let byName = this.where[kind].get(ns);
    if (!byName) this.where[kind].set(ns, (byName = new Map()));
    byName.set(name, id);
    let byId = this.scopes.get(ns);
    if (!byId) this.scopes.set(ns, (byId = new Map()));
    let entry = byId.get(id);
    if (!entry) {
      entry = {
        deployments: new Map(),
        replicasets: new Map(),
        pods: new Map(),
      };
      byId.set(id, entry);
    }
    entry[kind].set(name, o);
    entry.snapshot = undefined;
    this.counts[kind]++;
    if (!touched.some(([n, i]) => n === ns && i === id)) touched.push([ns, id]);
    return touched;
  }

  /**
   * Removes an object (by namespace and name); `keepId`: an upsert that
   * stays in the same scope does not report the scope twice.
   */
  remove(
    kind: WorkloadKind,
    o: KubeObject,
    keepId?: string,
  ): Array<[string, string]> {
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    if (!ns || !name) return [];
    const byName = this.where[kind].get(ns);
    const id = byName?.get(name);
    if (id === undefined) return [];
    byName!.delete(name);
    if (byName!.size === 0) this.where[kind].delete(ns);
    const byId = this.scopes.get(ns);
    const entry = byId?.get(id);
    if (entry?.[kind].delete(name)) {
      this.counts[kind]--;
      entry.snapshot = undefined;
      if (
        entry.deployments.size + entry.replicasets.size + entry.pods.size ===
        0
      ) {
        byId!.delete(id);
        if (byId!.size === 0) this.scopes.delete(ns);
      }
    }
    return id === keepId ? [] : [[ns, id]];
  }

  /** Replaces every object of a kind (after a relist); returns the scopes touched. */
  replace(kind: WorkloadKind, items: KubeObject[]): Array<[string, string]> {
    const touched = new Map<string, [string, string]>();
    const keep = new Set<string>();
    if (this.counts[kind] > 0) {
      for (const o of items) {
        keep.add(`${o.metadata.namespace}/${o.metadata.name}`);
      }
    }
    for (const [ns, byName] of [...this.where[kind]]) {
      for (const name of [...byName.keys()]) {
        if (!keep.has(`${ns}/${name}`)) {
          for (const t of this.remove(kind, {
            apiVersion: '',
            kind: '',
            metadata: { name, namespace: ns },
          })) {
            touched.set(t.join('/'), t);
          }
        }
      }
    }
    for (const o of items) {
      for (const t of this.upsert(kind, o)) touched.set(t.join('/'), t);
    }
    return [...touched.values()];
  }

  /** The component's objects in a namespace: a shared, frozen snapshot. */
  observe(namespace: string, kubernetesId: string): WorkloadObjects {
    const entry = this.scopes.get(namespace)?.get(kubernetesId);
    if (!entry) return EMPTY;
    if (!entry.snapshot) {
      const deployments = [...entry.deployments.values()];
      if (deployments.length > 1) {
        deployments.sort((a, b) =>
          a.metadata.name.localeCompare(b.metadata.name),
        );
      }
      entry.snapshot = Object.freeze({
        deployment: deployments[0],
        replicaSets: Object.freeze([
          ...entry.replicasets.values(),
        ]) as unknown as KubeObject[],
        pods: Object.freeze([
          ...entry.pods.values(),
        ]) as unknown as KubeObject[],
      });
    }
    return entry.snapshot;
  }

  size(): Record<WorkloadKind, number> {
    return { ...this.counts };
  }
}

/**
 * The watch cache of Stagecraft workloads: per cluster, one reflector per
 * kind (Deployments, ReplicaSets, Pods labelled managed-by=stagecraft):
 * paginated LIST, then WATCH with bookmarks, resumed from the last
 * resourceVersion when it drops, relisted on 410 Gone (see Reflector).
 * Objects are projected to the fields status needs and indexed by namespace
 * and kubernetes-id; a read is a few map lookups returning a frozen snapshot
 * (nothing is allocated per request, nothing is LISTed per request).
 */
export class WorkloadCache implements WorkloadObserver {
  private readonly indexes = new Map<string, WorkloadIndex>();
  private readonly reflectors = new Map<
    string,
    Map<WorkloadKind, Reflector<KubeObject>>
  >();
  private readonly synced = new Map<string, Date>();
  /** Per cluster, the kinds whose last LIST/WATCH failed, and how. */
  private readonly failing = new Map<string, Map<WorkloadKind, unknown>>();
  private readonly listeners = new Set<Listener>();
  private readonly intern = new Interner();

  constructor(
    private readonly options: WatchTiming & {
      clusters: WatchedCluster[];
      logger: LoggerService;
      pageSize?: number;
    },
  ) {}

  /** Lists every cluster once (in parallel), then keeps watching. */
  async start(): Promise<void> {
    await Promise.all(
      this.options.clusters.map(c => this.startCluster(c.name, c)),
    );
  }

  private async startCluster(name: string, c: ClusterAccess) {
    const { logger } = this.options;
    const transport = transportOf(c);
    const index = new WorkloadIndex();
    this.indexes.set(name, index);
    const byKind = new Map<WorkloadKind, Reflector<KubeObject>>();
    this.reflectors.set(name, byKind);
    const failing = new Map<WorkloadKind, unknown>();
    this.failing.set(name, failing);
    const listed = new Set<WorkloadKind>();
    const started = Date.now();
    for (const kind of KINDS) {
      const project = PROJECT[kind];
      byKind.set(
        kind,
        new Reflector<KubeObject>({
          path: PATHS[kind],
          labelSelector: SELECTOR,
          transport,
          pageSize: this.options.pageSize,
          watchTimeoutSeconds: this.options.watchTimeoutSeconds,
          initialBackoffMs: this.options.initialBackoffMs,
          project: raw => project(raw, this.intern),
          handlers: {
            replace: items => this.notify(name, index.replace(kind, items)),
            apply: (type, o) => {
              if (failing.size) failing.delete(kind);
              this.notify(
                name,
                type === 'DELETED'
                  ? index.remove(kind, o)
                  : index.upsert(kind, o),
              );
            },
          },
          onSynced: () => {
            failing.delete(kind);
            if (listed.size === 3) return;
            listed.add(kind);
            if (listed.size === 3) {
              this.synced.set(name, new Date());
              const n = index.size();
              logger.info(
                `stagecraft cache ${name}: synced ${
                  n.deployments
                } deployments, ${n.replicasets} replicasets, ${
                  n.pods
                } pods in ${Date.now() - started} ms`,
              );
            }
          },
          onError: (what, err, retryInMs) => {
            // a 410 relist is the normal end of a resourceVersion's window
            if ((err as { statusCode?: number })?.statusCode !== 410) {
              failing.set(kind, err);
            }
            logger.warn(
              `stagecraft cache ${name}/${kind}: ${what}: ${String(
                err,
              )}; retrying in ${retryInMs} ms`,
            );
          },
        }),
      );
    }
    await Promise.all([...byKind.values()].map(r => r.start()));
  }

  async stop(): Promise<void> {
    for (const name of [...this.reflectors.keys()]) this.removeCluster(name);
  }

  /** Watches a cluster added at runtime; a known one restarts (new credentials). */
  async addCluster(name: string, c: ClusterAccess) {
    this.removeCluster(name);
    await this.startCluster(name, c);
  }

  /** Stops a cluster's watches and forgets its objects. */
  removeCluster(name: string) {
    for (const r of this.reflectors.get(name)?.values() ?? []) r.stop();
    this.reflectors.delete(name);
    this.indexes.delete(name);
    this.synced.delete(name);
    this.failing.delete(name);
  }

  /**
   * Why the cache cannot read `cluster` now (credentials refused, forbidden,
   * unreachable), while a LIST or WATCH of it fails; undefined once it reads
   * again. What the pages show instead of a status that is no longer live.
   */
  clusterError(cluster: string): string | undefined {
    const failing = this.failing.get(cluster);
    if (!failing?.size) return undefined;
    const errors = [...failing.values()];
    const refused = errors.find(
      e => (e as { statusCode?: number })?.statusCode === 401,
    );
    return watchFailure(cluster, refused ?? errors[0]);
  }

  syncedAt(cluster: string): Date | undefined {
    return this.synced.get(cluster);
  }

  observe(
    cluster: string,
    namespace: string,
    kubernetesId: string,
  ): WorkloadObjects {
    return this.indexes.get(cluster)?.observe(namespace, kubernetesId) ?? EMPTY;
  }

  /** Object counts and reflector counters per cluster (health, benchmarks). */
  stats(): Record<
    string,
    {
      objects: Record<WorkloadKind, number>;
      syncedAt?: string;
      reflectors: Record<string, ReflectorStats>;
    }
  > {
    const out: ReturnType<WorkloadCache['stats']> = {};
    for (const [name, index] of this.indexes) {
      out[name] = {
        objects: index.size(),
        syncedAt: this.synced.get(name)?.toISOString(),
        reflectors: Object.fromEntries(
          [...(this.reflectors.get(name) ?? [])].map(([k, r]) => [
            k,
            r.getStats(),
          ]),
        ),
      };
    }
    return out;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(cluster: string, scopes: Array<[string, string]>) {
    if (this.listeners.size === 0) return;
    for (const [namespace, kubernetesId] of scopes) {
      for (const listener of this.listeners) {
        try {
          listener({ cluster, namespace, kubernetesId });
        } catch (e) {
          this.options.logger.warn(`stagecraft cache listener failed: ${e}`);
        }
      }
    }
  }
}
