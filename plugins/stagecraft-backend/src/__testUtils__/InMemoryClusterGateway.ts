import type {
  ClusterGateway,
  ClusterProbe,
  ClusterWarning,
  KubeObject,
  KubeObjectRef,
} from '../domain/ports';

/** Kinds the fake treats as cluster-scoped; the rest are namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
]);

const keyOf = (cluster: string, r: KubeObjectRef) =>
  `${cluster}|${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`;

/**
 * A fake of the ClusterGateway port for unit tests (never of the domain): an
 * in-memory object store whose resourceVersion changes only when an apply
 * changes an object, like server-side apply. Deleting a Namespace removes
 * everything in it.
 */
export class InMemoryClusterGateway implements ClusterGateway {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  /**
   * The `Warning` headers the fake answers an apply of `o` with (as a real
   * API server does for deprecated APIs or Pod Security levels); none by default.
   */
  warnings: (o: KubeObject, dryRun: boolean) => string[] = () => [];
  /** An error the fake refuses an apply of `o` with (admission), if any. */
  refuse: (o: KubeObject) => Error | undefined = () => undefined;
  private version = 1;

  constructor(
    private readonly clusters: string[] = ['local'],
    private readonly down: Set<string> = new Set(),
  ) {}

  listClusters() {
    return this.clusters.map(name => ({ name }));
  }

  async kindScope(cluster: string, apiVersion: string, kind: string) {
    this.check(cluster);
    if (apiVersion.startsWith('unknown.example')) return undefined;
    return CLUSTER_SCOPED.has(kind)
      ? ('Cluster' as const)
      : ('Namespaced' as const);
  }

  async probe(cluster: string): Promise<ClusterProbe> {
    return this.down.has(cluster)
      ? { reachable: false, error: 'ECONNREFUSED', latencyMs: 1 }
      : { reachable: true, version: 'v1.37.2', latencyMs: 1 };
  }

  private check(cluster: string) {
    if (this.down.has(cluster)) {
      const e = new Error(`cluster ${cluster} unavailable: ECONNREFUSED`);
      e.name = 'ServiceUnavailableError';
      throw e;
    }
  }

  /** Puts an object as if someone else had created it (no Stagecraft labels). */
  seed(cluster: string, o: KubeObject) {
    this.objects.set(keyOf(cluster, this.ref(o)), {
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(this.version++) },
    });
  }

  async applyWithWarnings(
    cluster: string,
    objects: KubeObject[],
    options: { dryRun?: boolean } = {},
  ): Promise<{ objects: KubeObject[]; warnings: ClusterWarning[] }> {
    const applied = await this.apply(cluster, objects, options);
    return {
      objects: applied,
      warnings: objects.flatMap(o =>
        this.warningsAbout(o, options.dryRun === true),
      ),
    };
  }

  async apply(
    cluster: string,
    objects: KubeObject[],
    options: { dryRun?: boolean } = {},
  ): Promise<KubeObject[]> {
    this.check(cluster);
    for (const o of objects) {
      const refused = this.refuse(o);
      if (refused) throw refused;
    }
    return objects.map(o => {
      if (options.dryRun) {
        this.calls.push(`dry-run ${o.kind}/${o.metadata.name}`);
        return {
          ...o,
          metadata: { ...o.metadata, resourceVersion: 'dry-run' },
        };
      }
      this.calls.push(`apply ${o.kind}/${o.metadata.name}`);
      const key = keyOf(cluster, this.ref(o));
      const existing = this.objects.get(key);
      const strip = (x?: KubeObject) =>
        x &&
        JSON.stringify({
          ...x,
          metadata: { ...x.metadata, resourceVersion: undefined },
        });
      if (existing && strip(existing) === strip(o)) return existing;
      const next = {
        ...o,
        metadata: { ...o.metadata, resourceVersion: String(this.version++) },
      };
      this.objects.set(key, next);
      return next;
    });
  }

  async mergePatch(
    cluster: string,
    ref: KubeObjectRef,
    patch: Record<string, unknown>,
  ): Promise<ClusterWarning[]> {
    this.check(cluster);
    this.calls.push(`merge-patch ${ref.kind}/${ref.name}`);
    const key = keyOf(cluster, ref);
    const existing = this.objects.get(key);
    if (!existing) {
      const e = new Error(`${ref.kind}/${ref.name} not found`);
      e.name = 'NotFoundError';
      throw e;
    }
    const merge = (a: any, b: any): any => {
      if (typeof b !== 'object' || b === null || Array.isArray(b)) return b;
      const out = { ...(typeof a === 'object' && a ? a : {}) };
      for (const [k, v] of Object.entries(b)) {
        if (v === null) delete out[k];
        else out[k] = merge(out[k], v);
      }
      return out;
    };
    const next = merge(existing, patch);
    next.metadata = {
      ...next.metadata,
      resourceVersion: String(this.version++),
    };
    this.objects.set(key, next);
    return this.warningsAbout(next, false);
  }

  /** What `warnings` says of an object, as the API server's warnings about it. */
  private warningsAbout(o: KubeObject, dryRun: boolean): ClusterWarning[] {
    return this.warnings(o, dryRun).map(message => ({
      object: `${o.kind}/${o.metadata.name}`,
      message,
    }));
  }

  async create(cluster: string, o: KubeObject): Promise<boolean> {
    this.check(cluster);
    const key = keyOf(cluster, this.ref(o));
    if (this.objects.has(key)) {
      this.calls.push(`create ${o.kind}/${o.metadata.name} (exists)`);
      return false;
    }
    this.calls.push(`create ${o.kind}/${o.metadata.name}`);
    this.objects.set(key, {
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(this.version++) },
    });
    return true;
  }

  async get(cluster: string, ref: KubeObjectRef) {
    this.check(cluster);
    return this.objects.get(keyOf(cluster, ref));
  }

  async delete(cluster: string, ref: KubeObjectRef) {
    this.check(cluster);
    this.calls.push(`delete ${ref.kind}/${ref.name}`);
    this.objects.delete(keyOf(cluster, ref));
    if (ref.kind === 'Namespace') {
      for (const [key, o] of this.objects) {
        if (
          key.startsWith(`${cluster}|`) &&
          o.metadata.namespace === ref.name
        ) {
          this.objects.delete(key);
        }
      }
    }
  }

  private ref(o: KubeObject): KubeObjectRef {
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      namespace: o.metadata.namespace,
    };
  }
}
