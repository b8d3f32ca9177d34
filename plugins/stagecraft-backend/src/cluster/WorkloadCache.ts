import {
  ADD,
  AppsV1Api,
  CONNECT,
  CoreV1Api,
  DELETE,
  ERROR,
  Informer,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  makeInformer,
  ObjectCache,
  UPDATE,
} from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject, WorkloadObserver } from '../domain/ports';
import type { WorkloadObjects } from '../domain/deployments/status';

const SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
const PAGE = 500;

type Kind = 'deployments' | 'replicasets' | 'pods';
type Listener = Parameters<WorkloadObserver['subscribe']>[0];

/**
 * Lists every page of a collection (limit + continue, one consistent
 * snapshot), so a large fleet never needs one huge response.
 */
async function listAllPages<T extends KubernetesObject>(
  page: (cont?: string) => Promise<KubernetesListObject<T>>,
): Promise<KubernetesListObject<T>> {
  const first = await page(undefined);
  const items = [...first.items];
  let cont = first.metadata?._continue;
  while (cont) {
    const next = await page(cont);
    items.push(...next.items);
    cont = next.metadata?._continue;
  }
  return {
    ...first,
    items,
    metadata: { ...first.metadata, _continue: undefined },
  };
}

/**
 * The watch cache of Stagecraft workloads: per cluster, client-node informers
 * over Deployments, ReplicaSets and Pods labelled managed-by=stagecraft (list
 * once with pagination, then watch from that resourceVersion; the informer
 * relists on 410 Gone and is restarted with backoff on errors). Reads are
 * served from memory, indexed by namespace; nothing here LISTs per request.
 */
export class WorkloadCache implements WorkloadObserver {
  private readonly informers = new Map<
    string,
    Map<Kind, Informer<KubernetesObject> & ObjectCache<KubernetesObject>>
  >();
  private readonly synced = new Map<string, Date>();
  private readonly listeners = new Set<Listener>();
  private stopped = false;

  constructor(
    private readonly options: {
      clusters: Array<{ name: string; kc: KubeConfig }>;
      logger: LoggerService;
    },
  ) {}

  async start(): Promise<void> {
    for (const { name, kc } of this.options.clusters) {
      const apps = kc.makeApiClient(AppsV1Api);
      const core = kc.makeApiClient(CoreV1Api);
      const lists: Record<
        Kind,
        [
          string,
          (cont?: string) => Promise<KubernetesListObject<KubernetesObject>>,
        ]
      > = {
        deployments: [
          '/apis/apps/v1/deployments',
          cont =>
            apps.listDeploymentForAllNamespaces({
              labelSelector: SELECTOR,
              limit: PAGE,
              _continue: cont,
            }),
        ],
        replicasets: [
          '/apis/apps/v1/replicasets',
          cont =>
            apps.listReplicaSetForAllNamespaces({
              labelSelector: SELECTOR,
              limit: PAGE,
              _continue: cont,
            }),
        ],
        pods: [
          '/api/v1/pods',
          cont =>
            core.listPodForAllNamespaces({
              labelSelector: SELECTOR,
              limit: PAGE,
              _continue: cont,
            }),
        ],
      };
      const byKind = new Map<
        Kind,
        Informer<KubernetesObject> & ObjectCache<KubernetesObject>
      >();
      const connected = new Set<Kind>();
      for (const [kind, [path, page]] of Object.entries(lists) as Array<
        [Kind, (typeof lists)[Kind]]
      >) {
        const informer = makeInformer(
          kc,
          path,
          () => listAllPages(page),
          SELECTOR,
        );
        const notify = (o: KubernetesObject) =>
          this.notify(name, o as KubeObject);
        informer.on(ADD, notify);
        informer.on(UPDATE, notify);
        informer.on(DELETE, notify);
        informer.on(CONNECT, () => {
          connected.add(kind);
          if (connected.size === 3) this.synced.set(name, new Date());
        });
        let delay = 1000;
        informer.on(ERROR, err => {
          if (this.stopped) return;
          this.options.logger.warn(
            `stagecraft cache ${name}/${kind}: ${String(
              err,
            )}; restarting in ${delay} ms`,
          );
          setTimeout(() => {
            if (!this.stopped) informer.start().catch(() => undefined);
          }, delay);
          delay = Math.min(delay * 2, 30_000);
        });
        byKind.set(kind, informer);
      }
      this.informers.set(name, byKind);
      await Promise.all(
        [...byKind.values()].map(i =>
          i
            .start()
            .catch(e =>
              this.options.logger.warn(
                `stagecraft cache ${name}: start failed: ${e}`,
              ),
            ),
        ),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.informers.values()].flatMap(m =>
        [...m.values()].map(i => i.stop()),
      ),
    );
  }

  syncedAt(cluster: string): Date | undefined {
    return this.synced.get(cluster);
  }

  observe(
    cluster: string,
    namespace: string,
    kubernetesId: string,
  ): WorkloadObjects {
    const byKind = this.informers.get(cluster);
    const pick = (kind: Kind) =>
      ((byKind?.get(kind)?.list(namespace) ?? []) as KubeObject[]).filter(
        o => o.metadata.labels?.[LABELS.kubernetesId] === kubernetesId,
      );
    const [deployment] = pick('deployments');
    return { deployment, replicaSets: pick('replicasets'), pods: pick('pods') };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(cluster: string, o: KubeObject) {
    const kubernetesId = o.metadata.labels?.[LABELS.kubernetesId];
    if (!kubernetesId || !o.metadata.namespace) return;
    for (const listener of this.listeners) {
      try {
        listener({ cluster, namespace: o.metadata.namespace, kubernetesId });
      } catch (e) {
        this.options.logger.warn(`stagecraft cache listener failed: ${e}`);
      }
    }
  }
}
