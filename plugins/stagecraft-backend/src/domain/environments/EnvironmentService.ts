import { ReservedNamespaces } from './reservedNamespaces';
import {
  Environment,
  EnvironmentObjectStatus,
  LABELS,
  ValidationError,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError, NotAllowedError, NotFoundError } from '../errors';
import type {
  Actor,
  Auditor,
  Clock,
  ClusterGateway,
  DeclaredEnvironment,
  EnvironmentDeclarations,
  EnvironmentRecord,
  EnvironmentStore,
  KubeObject,
  OwnerDirectory,
  ProgressListener,
  StagecraftAction,
  Authorizer,
} from '../ports';
import { authorizeOrThrow, permittedOnly } from '../input';
import {
  isManagedByStagecraft,
  OwnerSubjectMapper,
  refOf,
  renderEnvironmentObjects,
} from './manifests';
import type { EnvironmentTypeSpec } from './types';
import { checkMaxTtl } from './maxTtl';
import {
  assertEnvironmentName,
  checkEntityRef,
  parseTtl,
  validateCreateRequest,
  validateTtlRequest,
  validateUpdateRequest,
} from './validation';

/** The actor the reaper acts as. */
export const REAPER: Actor = { ref: 'system:stagecraft-reaper' };

const noProgress: ProgressListener = () => {};

/**
 * Environment use cases: every door (REST, scaffolder, UI) calls these, so
 * validation, permission checks, cluster writes and audit happen here once.
 */
export class EnvironmentService {
  private readonly types: Map<string, EnvironmentTypeSpec>;

  constructor(
    private readonly deps: {
      gateway: ClusterGateway;
      store: EnvironmentStore;
      authorizer: Authorizer;
      auditor: Auditor;
      clock: Clock;
      types: EnvironmentTypeSpec[];
      /** How long delete waits for the namespace to be gone. */
      deleteTimeoutMs?: number;
      /** The RoleBinding subject of an owner (stagecraft.ownerSubjects); the default mapping when absent. */
      ownerSubject?: OwnerSubjectMapper;
      /** Names no new environment or namespace may take (defaults when absent). */
      reservedNamespaces?: ReservedNamespaces;
      /**
       * Whether an owner exists (a Group or User of the catalog): a new
       * environment's owner must. Absent: not checked.
       */
      owners?: OwnerDirectory;
      /**
       * Environments declared in the catalog: creating one of that name takes
       * its spec (type, owner, system, cluster, namespace, promotesTo).
       */
      declarations?: EnvironmentDeclarations;
      /** Deprovisions the environment's resources before its namespace goes. */
      resources?: {
        deprovisionAll(
          actor: Actor,
          env: EnvironmentRecord,
          onProgress: ProgressListener,
        ): Promise<void>;
      };
    },
  ) {
    this.types = new Map(deps.types.map(t => [t.name, t]));
  }

  /** Creates an environment, or confirms it when it exists with the same spec. */
  async create(
    actor: Actor,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<{ environment: Environment; created: boolean; dryRun?: boolean }> {
    await this.authorize(actor, 'environment.create');
    return this.createAuthorized(
      actor,
      await this.withDeclaration(actor, body),
      onProgress,
    );
  }

  /** `create` once permission is decided and the declaration applied. */
  private async createAuthorized(
    actor: Actor,
    body: unknown,
    onProgress: ProgressListener,
  ): Promise<{ environment: Environment; created: boolean; dryRun?: boolean }> {
    const req = validateCreateRequest(body);
    const type = this.types.get(req.type);
    if (!type) {
      throw new ValidationError([
        {
          field: 'type',
          message: `type "${
            req.type
          }" is not one of the configured environment types: ${[
            ...this.types.keys(),
          ].join(', ')}`,
        },
      ]);
    }
    const cluster = this.resolveCluster(req.cluster);
    const now = this.deps.clock.now();
    const existing = await this.deps.store.getEnvironment(req.name);
    if (!existing) {
      // whoever asks, and before anything is written: a new environment
      // never takes a system or platform namespace
      (this.deps.reservedNamespaces ?? new ReservedNamespaces()).assertFree({
        name: req.name,
        ...(req.namespace !== req.name && { namespace: req.namespace }),
      });
    }
    if (req.ttlMs) {
      checkMaxTtl(type, req, now.getTime() + req.ttlMs, now);
    }
    const ttlMs =
      req.ttlMs ?? parseTtl(type.defaultTtl, `${type.name}.defaultTtl`, []);
    const record: EnvironmentRecord = {
      name: req.name,
      type: type.name,
      tier: type.tier,
      cluster,
      namespace: req.namespace,
      owner: req.owner,
      ...(req.system && { system: req.system }),
      ...(req.promotesTo && { promotesTo: req.promotesTo }),
      quota: { ...type.quota, ...req.quota },
      // an unchanged re-create keeps its expiry, so it stays a no-op
      ...(existing?.expiresAt
        ? { expiresAt: existing.expiresAt }
        : ttlMs && {
            expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
          }),
      phase: 'Provisioning',
      // the first template run that created it stays its origin
      ...((existing?.origin ?? req.origin) && {
        origin: existing?.origin ?? req.origin,
      }),
      createdBy: existing?.createdBy ?? actor.ref,
      createdAt: existing?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (existing) {
      const differs = (
        [
          'type',
          'cluster',
          'namespace',
          'owner',
          'system',
          'promotesTo',
        ] as const
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
            req.name
          }" already exists with a different ${differs.join(
            ', ',
          )}; change it with PATCH`,
        );
      }
    } else {
      const clash = (await this.deps.store.listEnvironments()).find(
        e => e.cluster === cluster && e.namespace === req.namespace,
      );
      if (clash) {
        throw new ConflictError(
          `namespace "${req.namespace}" on cluster "${cluster}" already belongs to environment "${clash.name}"`,
        );
      }
    }
    const live = await this.deps.gateway.get(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: req.namespace,
    });
    if (live && !isManagedByStagecraft(live)) {
      throw new ConflictError(
        `namespace "${req.namespace}" already exists on cluster "${cluster}" and is not managed by Stagecraft; it was left untouched`,
      );
    }
    if (live && live.metadata.labels?.[LABELS.environment] !== req.name) {
      throw new ConflictError(
        `namespace "${req.namespace}" on cluster "${cluster}" belongs to another Stagecraft environment`,
      );
    }
    await this.authorizeProposed(actor, record, !existing);
    if (req.dryRun) {
      // everything above is checked; the objects go through the API server's
      // own validation and admission without being stored (a new namespace's
      // objects cannot be dry-run before it exists, so only it is sent then)
      const objects = renderEnvironmentObjects(
        record,
        type,
        this.deps.ownerSubject,
      );
      await this.deps.gateway.apply(cluster, live ? objects : [objects[0]], {
        dryRun: true,
      });
      onProgress(
        `dry run: would ${existing ? 'confirm' : 'create'} ${
          objects.length
        } objects in namespace ${req.namespace} on ${cluster}`,
      );
      return {
        environment: { ...record, phase: existing?.phase ?? 'Provisioning' },
        created: false,
        dryRun: true,
      };
    }
    const environment = await this.provision(
      actor,
      'environment.create',
      record,
      type,
      onProgress,
    );
    return { environment, created: !existing };
  }

  /**
   * Provisions the Environment the catalog declares under `name` (e.g. in
   * YAML), with its spec: the same use case, checks and audit as `create`.
   */
  async provisionDeclared(
    actor: Actor,
    name: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<{ environment: Environment; created: boolean }> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.create');
    const declared = await this.deps.declarations?.declared(envName, actor);
    if (!declared) {
      throw new NotFoundError(
        `no Environment named "${envName}" is declared in the catalog`,
      );
    }
    // the declared spec is the request (provisioned already: the same
    // fields → no change; others → 409 naming them); the catalog was read
    // once, here
    return this.createAuthorized(
      actor,
      { name: envName, ...declaredFields(declared) },
      onProgress,
    );
  }

  /**
   * The request with the fields of the catalog's declaration of that name
   * filled in; a field given that differs from the declaration is a 409
   * naming each one, so the catalog and the cluster cannot disagree.
   */
  private async withDeclaration(actor: Actor, body: unknown) {
    const b = body as Record<string, unknown> | undefined;
    const declarations = this.deps.declarations;
    // a bad name is the validation's to refuse (400 naming it), never a
    // catalog lookup
    if (
      !declarations ||
      typeof b?.name !== 'string' ||
      Array.isArray(b) ||
      validateDnsLabel(b.name, 'name')
    ) {
      return body;
    }
    // once provisioned, the record is the spec (a change goes through PATCH)
    if (await this.deps.store.getEnvironment(b.name)) return body;
    const declared = await declarations.declared(b.name, actor);
    if (!declared) return body;
    const spec = declaredFields(declared);
    const differs = Object.entries(spec).filter(
      ([k, v]) => b[k] !== undefined && normalised(k, b[k]) !== v,
    );
    if (differs.length) {
      throw new ConflictError(
        `${declared.ref} is declared in the catalog with ${differs
          .map(([k, v]) => `${k} "${v}" (request: "${String(b[k])}")`)
          .join(
            ', ',
          )}; leave these out to take the declared spec, or change the entity`,
      );
    }
    return { ...spec, ...b };
  }

  /** One environment with the live state of its objects. */
  async get(actor: Actor, name: unknown): Promise<Environment> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.read', envName);
    const record = await this.requireRecord(envName);
    const type = this.typeOf(record);
    let objects: EnvironmentObjectStatus[];
    try {
      objects = await this.objectStatus(record, type);
    } catch (e) {
      return {
        ...record,
        message: `cluster "${record.cluster}" unavailable: ${
          (e as Error).message
        }`,
      };
    }
    const missing = objects.filter(o => !o.present);
    if (record.phase === 'Ready' && missing.length) {
      return {
        ...record,
        phase: 'Failed',
        objects,
        message: `missing in the cluster: ${missing
          .map(o => `${o.kind}/${o.name}`)
          .join(', ')}`,
      };
    }
    return { ...record, objects };
  }

  /** What happened to an environment, oldest first; kept after it is deleted. */
  async auditTrail(actor: Actor, name: unknown) {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.read', envName);
    return this.deps.store.listAudit(envName);
  }

  /** The environments the actor may read. */
  async list(actor: Actor): Promise<Environment[]> {
    return permittedOnly(
      this.deps.authorizer,
      actor,
      'environment.read',
      await this.deps.store.listEnvironments(),
    );
  }

  /** Changes owner, quota or TTL (counted from now) and re-applies. */
  async update(
    actor: Actor,
    name: unknown,
    body: unknown,
  ): Promise<Environment> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.update', envName);
    const req = validateUpdateRequest(body);
    const record = await this.requireRecord(envName);
    const now = this.deps.clock.now();
    if (req.ttlMs) {
      checkMaxTtl(this.typeOf(record), record, now.getTime() + req.ttlMs, now);
    }
    const next: EnvironmentRecord = {
      ...record,
      ...(req.owner && { owner: req.owner }),
      ...(req.system && { system: req.system }),
      ...(req.promotesTo && { promotesTo: req.promotesTo }),
      quota: { ...record.quota, ...req.quota },
      ...(req.ttlMs && {
        expiresAt: new Date(now.getTime() + req.ttlMs).toISOString(),
      }),
      updatedAt: now.toISOString(),
    };
    if (req.system === null) delete next.system;
    if (req.promotesTo === null) delete next.promotesTo;
    return this.provision(
      actor,
      'environment.update',
      next,
      this.typeOf(record),
      noProgress,
    );
  }

  /** Pushes the expiry out by `ttl` from the later of now and the current expiry. */
  async extend(
    actor: Actor,
    name: unknown,
    body: unknown,
  ): Promise<Environment> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.update', envName);
    const ttlMs = validateTtlRequest(body);
    const record = await this.requireRecord(envName);
    const now = this.deps.clock.now();
    // as the actions answer says: an environment without an expiry has
    // nothing to extend (PATCH ttl gives it one)
    if (!record.expiresAt) {
      throw new ConflictError(
        `${envName} does not expire; there is nothing to extend (set a ttl with PATCH to give it an expiry)`,
      );
    }
    const from = Math.max(now.getTime(), Date.parse(record.expiresAt));
    try {
      checkMaxTtl(this.typeOf(record), record, from + ttlMs, now);
    } catch (e) {
      await this.audit(actor, 'environment.extend', envName, 'failed', {}, e);
      throw e;
    }
    const next = {
      ...record,
      expiresAt: new Date(from + ttlMs).toISOString(),
      updatedAt: now.toISOString(),
    };
    return this.provision(
      actor,
      'environment.extend',
      next,
      this.typeOf(record),
      noProgress,
    );
  }

  /**
   * Deletes the environment's namespace and waits until Kubernetes has removed
   * it, reporting progress. Production needs `confirm` equal to the name;
   * `dryRun` stops after the checks.
   */
  async delete(
    actor: Actor,
    name: unknown,
    body: unknown,
    onProgress: ProgressListener = noProgress,
  ): Promise<void> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.delete', envName);
    const record = await this.requireRecord(envName);
    const { confirm, dryRun } =
      (body as { confirm?: unknown; dryRun?: unknown } | undefined) ?? {};
    if (record.tier === 'production' && confirm !== record.name) {
      throw new ValidationError([
        {
          field: 'confirm',
          message: `confirm must equal "${record.name}" to delete a production environment`,
        },
      ]);
    }
    if (dryRun === true) {
      onProgress(
        `dry run: would delete namespace ${record.namespace} on ${record.cluster}`,
      );
      return;
    }
    await this.teardown(actor, 'environment.delete', record, onProgress);
  }

  /** Deletes every environment whose expiry has passed (the reaper task). */
  async reapExpired(
    onProgress: ProgressListener = noProgress,
  ): Promise<string[]> {
    const expired = await this.deps.store.listExpired(this.deps.clock.now());
    const reaped: string[] = [];
    for (const record of expired) {
      try {
        await this.teardown(REAPER, 'environment.reap', record, onProgress);
        reaped.push(record.name);
      } catch (e) {
        onProgress(`could not reap ${record.name}: ${(e as Error).message}`);
      }
    }
    return reaped;
  }

  private async teardown(
    actor: Actor,
    action: string,
    record: EnvironmentRecord,
    onProgress: ProgressListener,
  ): Promise<void> {
    const nsRef = {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: record.namespace,
    };
    try {
      const live = await this.deps.gateway.get(record.cluster, nsRef);
      if (live && !isManagedByStagecraft(live)) {
        throw new ConflictError(
          `namespace "${record.namespace}" is not managed by Stagecraft; refusing to delete it`,
        );
      }
      await this.deps.store.putEnvironment({
        ...record,
        phase: 'Deleting',
        updatedAt: this.deps.clock.now().toISOString(),
      });
      // resources first: a driver may own objects outside what the
      // namespace's deletion removes (and records must not outlive it)
      await this.deps.resources?.deprovisionAll(actor, record, onProgress);
      if (live) {
        await this.deps.gateway.delete(record.cluster, nsRef);
        onProgress(
          `deleting namespace ${record.namespace} on ${record.cluster}`,
        );
        const started = this.deps.clock.now().getTime();
        const timeout = this.deps.deleteTimeoutMs ?? 180_000;
        let lastReport = started;
        while (await this.deps.gateway.get(record.cluster, nsRef)) {
          const now = this.deps.clock.now().getTime();
          if (now - started > timeout) {
            throw new Error(
              `namespace ${
                record.namespace
              } still terminating after ${Math.round(timeout / 1000)} s`,
            );
          }
          if (now - lastReport >= 5000) {
            onProgress(
              `namespace ${record.namespace} terminating (${Math.round(
                (now - started) / 1000,
              )} s)`,
            );
            lastReport = now;
          }
          await this.deps.clock.sleep(500);
        }
      }
      await this.deps.store.deleteEnvironment(record.name);
      onProgress(`environment ${record.name} deleted`);
      await this.audit(actor, action, record.name, 'succeeded', {
        cluster: record.cluster,
        namespace: record.namespace,
      });
    } catch (e) {
      await this.audit(
        actor,
        action,
        record.name,
        'failed',
        { cluster: record.cluster },
        e,
      );
      throw e;
    }
  }

  /** Applies an environment's objects, records the outcome and audits it. */
  private async provision(
    actor: Actor,
    action: string,
    record: EnvironmentRecord,
    type: EnvironmentTypeSpec,
    onProgress: ProgressListener,
  ): Promise<Environment> {
    const objects = renderEnvironmentObjects(
      record,
      type,
      this.deps.ownerSubject,
    );
    try {
      const before = await this.versions(record.cluster, objects);
      await this.deps.store.putEnvironment(record);
      onProgress(
        `applying ${objects.length} objects to namespace ${record.namespace} on ${record.cluster}`,
      );
      const applied = await this.deps.gateway.apply(record.cluster, objects);
      const changed = applied
        .filter((o, i) => before[i] !== o.metadata.resourceVersion)
        .map(o => `${o.kind}/${o.metadata.name}`);
      const status = await this.objectStatus(record, type);
      const missing = status.filter(o => !o.present);
      const final: EnvironmentRecord = {
        ...record,
        phase: missing.length ? 'Provisioning' : 'Ready',
        ...(missing.length && {
          message: `waiting for ${missing
            .map(o => `${o.kind}/${o.name}`)
            .join(', ')}`,
        }),
      };
      if (!missing.length) delete final.message;
      await this.deps.store.putEnvironment(final);
      onProgress(
        changed.length
          ? `changed ${changed.join(', ')}`
          : 'no change: the cluster already matches',
      );
      await this.audit(actor, action, record.name, 'succeeded', {
        cluster: record.cluster,
        namespace: record.namespace,
        type: record.type,
        owner: record.owner,
        changed,
      });
      return { ...final, objects: status };
    } catch (e) {
      await this.deps.store.putEnvironment({
        ...record,
        phase: 'Failed',
        message: (e as Error).message,
      });
      await this.audit(
        actor,
        action,
        record.name,
        'failed',
        { cluster: record.cluster },
        e,
      );
      throw e;
    }
  }

  private async versions(cluster: string, objects: KubeObject[]) {
    return Promise.all(
      objects.map(
        async o =>
          (await this.deps.gateway.get(cluster, refOf(o)))?.metadata
            .resourceVersion,
      ),
    );
  }

  private async objectStatus(
    record: EnvironmentRecord,
    type: EnvironmentTypeSpec,
  ): Promise<EnvironmentObjectStatus[]> {
    const objects = renderEnvironmentObjects(
      record,
      type,
      this.deps.ownerSubject,
    );
    return Promise.all(
      objects.map(async o => ({
        kind: o.kind,
        name: o.metadata.name,
        present: Boolean(await this.deps.gateway.get(record.cluster, refOf(o))),
      })),
    );
  }

  /**
   * The proposed environment, before anything is written: its owner exists
   * (400 naming `owner`), and the create permission's conditions hold for
   * it — tier, owner, cluster (403 saying which rule failed).
   */
  private async authorizeProposed(
    actor: Actor,
    record: EnvironmentRecord,
    isNew: boolean,
  ) {
    if (isNew && this.deps.owners) {
      if (!(await this.deps.owners.exists(record.owner, actor))) {
        throw new ValidationError([
          {
            field: 'owner',
            message: `owner "${record.owner}" is not in the catalog; an environment's owner must be a Group or User entity`,
          },
        ]);
      }
    }
    const [decision] = (await this.deps.authorizer.explain?.(
      actor,
      [{ action: 'environment.create', verb: 'create' }],
      record,
    )) ?? [{ allowed: true }];
    if (decision.allowed) return;
    await this.deps.auditor.record({
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

  private async authorize(
    actor: Actor,
    action: StagecraftAction,
    resource?: string,
  ) {
    await authorizeOrThrow(
      this.deps,
      actor,
      action,
      resource,
      { targetKind: 'environment', target: resource ?? '-' },
      `${actor.ref} is not allowed to ${action.replace('environment.', '')} ${
        resource ? `environment "${resource}"` : 'environments'
      }`,
    );
  }

  private async audit(
    actor: Actor,
    action: string,
    target: string,
    outcome: 'succeeded' | 'failed',
    details?: Record<string, unknown>,
    error?: unknown,
  ) {
    await this.deps.auditor.record({
      action,
      actor: actor.ref,
      targetKind: 'environment',
      target,
      outcome,
      ...(details && { details }),
      ...(error !== undefined && {
        error: (error as Error).message ?? String(error),
      }),
    });
  }

  private async requireRecord(name: string): Promise<EnvironmentRecord> {
    const record = await this.deps.store.getEnvironment(name);
    if (!record) throw new NotFoundError(`environment "${name}" not found`);
    return record;
  }

  private typeOf(record: EnvironmentRecord): EnvironmentTypeSpec {
    return (
      this.types.get(record.type) ??
      [...this.types.values()].find(t => t.tier === record.tier) ??
      [...this.types.values()][0]
    );
  }

  private resolveCluster(cluster: string | undefined): string {
    const clusters = this.deps.gateway.listClusters().map(c => c.name);
    if (cluster === undefined) {
      if (clusters.length === 1) return clusters[0];
      throw new ValidationError([
        {
          field: 'cluster',
          message: `cluster is required: one of ${
            clusters.join(', ') || '(none configured)'
          }`,
        },
      ]);
    }
    if (!clusters.includes(cluster)) {
      throw new ValidationError([
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
}

/** The request fields a declaration fixes, normalised like a request's. */
function declaredFields(d: DeclaredEnvironment): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    type: d.type ?? d.tier,
    owner: normalised('owner', d.owner),
    system: d.system && normalised('system', d.system),
    cluster: d.cluster,
    namespace: d.namespace,
    promotesTo: d.promotesTo && normalised('promotesTo', d.promotesTo),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
}

const REF_KINDS: Record<string, string> = {
  owner: 'group',
  system: 'system',
  promotesTo: 'environment',
};

function normalised(field: string, value: unknown): string {
  const kind = REF_KINDS[field];
  return (kind && checkEntityRef(value, field, kind, [])) || String(value);
}
