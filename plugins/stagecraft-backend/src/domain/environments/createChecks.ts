import {
  LABELS,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError, NotAllowedError } from '../errors';
import type {
  Actor,
  Auditor,
  Authorizer,
  ClusterGateway,
  EnvironmentRecord,
  EnvironmentStore,
  KubeObject,
  OwnerDirectory,
} from '../ports';
import { isManagedByStagecraft } from './manifests';
import type { EnvironmentTypeSpec } from './types';

/** The configured environment type of that name, or a 400 naming `type`. */
export function typeNamed(
  types: Map<string, EnvironmentTypeSpec>,
  name: string,
): EnvironmentTypeSpec {
  const type = types.get(name);
  if (!type) {
    throw new InputError([
      {
        field: 'type',
        message: `type "${name}" is not one of the configured environment types: ${[
          ...types.keys(),
        ].join(', ')}`,
      },
    ]);
  }
  return type;
}

/** The cluster asked for (or the only one), or a 400 naming `cluster`. */
export function resolveCluster(
  gateway: ClusterGateway,
  cluster: string | undefined,
): string {
  const clusters = gateway.listClusters().map(c => c.name);
  if (cluster === undefined) {
    if (clusters.length === 1) return clusters[0];
    throw new InputError([
      {
        field: 'cluster',
        message: `cluster is required: one of ${
          clusters.join(', ') || '(none configured)'
        }`,
      },
    ]);
  }
  if (!clusters.includes(cluster)) {
    throw new InputError([
      {
        field: 'cluster',
        message: `cluster "${cluster}" is not configured; configured clusters: ${
          clusters.join(', ') || 'none'
        }`,
      },
    ]);
  }
  return cluster;
}

/**
 * An existing environment is confirmed only with the same spec (409 naming
 * the fields otherwise); a new one's namespace belongs to no other
 * environment. Then the namespace in the cluster: absent, or managed by
 * Stagecraft for this environment (409 otherwise). Returns it when present.
 */
export async function checkNamespace(
  deps: { store: EnvironmentStore; gateway: ClusterGateway },
  record: EnvironmentRecord,
  existing: EnvironmentRecord | undefined,
): Promise<KubeObject | undefined> {
  const cluster = record.cluster;
  if (existing) {
    const differs = (
      ['type', 'cluster', 'namespace', 'owner', 'system', 'promotesTo'] as const
    )
      .filter(k => existing[k] !== record[k])
      .concat(
        JSON.stringify(existing.quota) !== JSON.stringify(record.quota)
          ? ['quota' as never]
          : [],
      );
    if (differs.length) {
      throw new ConflictError(
        `environment "${
          record.name
        }" already exists with a different ${differs.join(
          ', ',
        )}; change it with PATCH`,
      );
    }
  } else {
    const clash = (await deps.store.listEnvironments()).find(
      e => e.cluster === cluster && e.namespace === record.namespace,
    );
    if (clash) {
      throw new ConflictError(
        `namespace "${record.namespace}" on cluster "${cluster}" already belongs to environment "${clash.name}"`,
      );
    }
  }
  const live = await deps.gateway.get(cluster, {
    apiVersion: 'v1',
    kind: 'Namespace',
    name: record.namespace,
  });
  if (live && !isManagedByStagecraft(live)) {
    throw new ConflictError(
      `namespace "${record.namespace}" already exists on cluster "${cluster}" and is not managed by Stagecraft; it was left untouched`,
    );
  }
  if (live && live.metadata.labels?.[LABELS.environment] !== record.name) {
    throw new ConflictError(
      `namespace "${record.namespace}" on cluster "${cluster}" belongs to another Stagecraft environment`,
    );
  }
  return live;
}

/**
 * The proposed environment, before anything is written: its owner exists
 * (400 naming `owner`), and the create permission's conditions hold for
 * it — tier, owner, cluster (403 saying which rule failed).
 */
export async function authorizeProposed(
  deps: { owners?: OwnerDirectory; authorizer: Authorizer; auditor: Auditor },
  actor: Actor,
  record: EnvironmentRecord,
  isNew: boolean,
) {
  if (isNew && deps.owners) {
    if (!(await deps.owners.exists(record.owner, actor))) {
      throw new InputError([
        {
          field: 'owner',
          message: `owner "${record.owner}" is not in the catalog; an environment's owner must be a Group or User entity`,
        },
      ]);
    }
  }
  const [decision] = (await deps.authorizer.explain?.(
    actor,
    [{ action: 'environment.create', verb: 'create' }],
    record,
  )) ?? [{ allowed: true }];
  if (decision.allowed) return;
  await deps.auditor.record({
    action: 'environment.create',
    actor: actor.ref,
    targetKind: 'environment',
    target: record.name,
    outcome: 'failed',
    error: 'denied',
  });
  throw new NotAllowedError(
    decision.message ??
      `${actor.ref} is not allowed to create environment "${record.name}"`,
  );
}
