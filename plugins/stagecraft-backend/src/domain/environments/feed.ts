import {
  Environment,
  EnvironmentChangeEvent,
  EnvironmentTier,
  ENVIRONMENT_TIERS,
  LABELS,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, EnvironmentStore, KubeObject } from '../ports';
import { isManagedByStagecraft, NAMESPACE_ANNOTATIONS } from './manifests';
import { tierDefaults } from './types';

/**
 * The environment a Stagecraft namespace stands for. The cluster is the source
 * of truth for what exists; the store adds what the namespace does not carry
 * (quota, who created it). Undefined for namespaces that are not environments.
 */
export function environmentFromNamespace(
  cluster: string,
  ns: KubeObject,
  record?: EnvironmentRecord,
): Environment | undefined {
  const labels = ns.metadata.labels ?? {};
  const annotations = ns.metadata.annotations ?? {};
  const name = labels[LABELS.environment];
  const tier = labels[LABELS.tier] as EnvironmentTier;
  const owner = annotations[NAMESPACE_ANNOTATIONS.owner];
  if (
    !isManagedByStagecraft(ns) ||
    !name ||
    !owner ||
    !ENVIRONMENT_TIERS.includes(tier)
  ) {
    return undefined;
  }
  const created = String(
    (ns.metadata.creationTimestamp as string | Date | undefined) ??
      record?.createdAt ??
      '',
  );
  const terminating =
    Boolean(ns.metadata.deletionTimestamp) ||
    (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
  const type = annotations[NAMESPACE_ANNOTATIONS.type] ?? tier;
  const system = annotations[NAMESPACE_ANNOTATIONS.system];
  const promotesTo = annotations[NAMESPACE_ANNOTATIONS.promotesTo];
  const expiresAt = annotations[NAMESPACE_ANNOTATIONS.expiresAt];
  const taskId = annotations[NAMESPACE_ANNOTATIONS.scaffolderTask];
  const template = annotations[NAMESPACE_ANNOTATIONS.template];
  const origin =
    record?.origin ??
    (taskId ? { taskId, ...(template && { template }) } : undefined);
  return {
    name,
    type,
    tier,
    cluster,
    namespace: ns.metadata.name,
    owner,
    ...(system && { system }),
    ...(promotesTo && { promotesTo }),
    ...(expiresAt && { expiresAt }),
    ...(origin && { origin }),
    quota: record?.quota ?? tierDefaults(type, tier).quota,
    phase: terminating ? 'Deleting' : record?.phase ?? 'Ready',
    createdBy: record?.createdBy ?? 'unknown',
    createdAt: created ? new Date(created).toISOString() : '',
    updatedAt:
      record?.updatedAt ?? (created ? new Date(created).toISOString() : ''),
  };
}

/**
 * Turns what the watch cache sees in a cluster into environment change
 * events (for the catalog's entity provider and the UI's live updates).
 */
export class EnvironmentFeed {
  constructor(
    private readonly deps: {
      store: EnvironmentStore;
      publish: (event: EnvironmentChangeEvent) => Promise<void>;
    },
  ) {}

  /** After a (re)list: every environment of the cluster. */
  async synced(cluster: string, namespaces: KubeObject[]): Promise<void> {
    const records = new Map(
      (await this.deps.store.listEnvironments()).map(r => [r.name, r]),
    );
    const environments = namespaces
      .map(ns =>
        environmentFromNamespace(
          cluster,
          ns,
          records.get(ns.metadata.labels?.[LABELS.environment] ?? ''),
        ),
      )
      .filter((e): e is Environment => Boolean(e));
    await this.deps.publish({ type: 'full', cluster, environments });
  }

  /** A namespace was added or changed. */
  async changed(cluster: string, ns: KubeObject): Promise<void> {
    const name = ns.metadata.labels?.[LABELS.environment] ?? '';
    const environment = environmentFromNamespace(
      cluster,
      ns,
      await this.deps.store.getEnvironment(name),
    );
    if (environment) {
      await this.deps.publish({ type: 'upsert', cluster, environment });
    }
  }

  /** A namespace is gone. */
  async removed(cluster: string, ns: KubeObject): Promise<void> {
    const name = ns.metadata.labels?.[LABELS.environment];
    if (name) await this.deps.publish({ type: 'delete', cluster, name });
  }
}
