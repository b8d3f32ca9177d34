import { ReservedNamespaces } from './reservedNamespaces';
import {
  Environment,
  EnvironmentObjectStatus,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError, NotFoundError } from '../errors';
import type {
  Actor,
  EnvironmentDeclarations,
  EnvironmentRecord,
  OwnerDirectory,
  ProgressListener,
  StagecraftAction,
  Authorizer,
} from '../ports';
import { authorizeOrThrow, permittedOnly } from '../input';
import { sayWarnings } from '../warnings';
import { renderEnvironmentObjects } from './manifests';
import type { EnvironmentTypeSpec } from './types';
import { checkMaxTtl } from './maxTtl';
import {
  assertEnvironmentName,
  parseTtl,
  validateCreateRequest,
  validateTtlRequest,
  validateUpdateRequest,
} from './validation';
import { declaredFields, withDeclaration } from './declared';
import {
  authorizeProposed,
  checkNamespace,
  resolveCluster,
  typeNamed,
} from './createChecks';
import {
  auditEnvironment,
  EnvironmentProvisioning,
  ProvisioningDeps,
} from './provisioning';

/** The actor the reaper acts as. */
export const REAPER: Actor = { ref: 'system:stagecraft-reaper' };

const noProgress: ProgressListener = () => {};

/**
 * Environment use cases: every door (REST, scaffolder, UI) calls these, so
 * validation, permission checks, cluster writes and audit happen here once.
 */
export class EnvironmentService {
  private readonly types: Map<string, EnvironmentTypeSpec>;
  /** Applies, tears down and reads the environments' objects. */
  private readonly cluster: EnvironmentProvisioning;

  constructor(
    /** Provisioning's (gateway, store, auditor, clock, delete timeout, owner subjects, resources) and: */
    private readonly deps: ProvisioningDeps & {
      authorizer: Authorizer;
      types: EnvironmentTypeSpec[];
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
    },
  ) {
    this.types = new Map(deps.types.map(t => [t.name, t]));
    this.cluster = new EnvironmentProvisioning(deps);
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
      await withDeclaration(this.deps, actor, body),
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
    const type = typeNamed(this.types, req.type);
    const cluster = resolveCluster(this.deps.gateway, req.cluster);
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
    const live = await checkNamespace(this.deps, record, existing);
    await authorizeProposed(this.deps, actor, record, !existing);
    if (req.dryRun) {
      // everything above is checked; the objects go through the API server's
      // own validation and admission without being stored (a new namespace's
      // objects cannot be dry-run before it exists, so only it is sent then)
      const objects = renderEnvironmentObjects(
        record,
        type,
        this.deps.ownerSubject,
      );
      const { warnings: warned } = await this.deps.gateway.applyWithWarnings(
        cluster,
        live ? objects : [objects[0]],
        { dryRun: true },
      );
      const warnings = sayWarnings(warned, onProgress);
      onProgress(
        `dry run: would ${existing ? 'confirm' : 'create'} ${
          objects.length
        } objects in namespace ${req.namespace} on ${cluster}`,
      );
      return {
        environment: {
          ...record,
          phase: existing?.phase ?? 'Provisioning',
          ...(warnings.length && { warnings }),
        },
        created: false,
        dryRun: true,
      };
    }
    const environment = await this.cluster.provision(
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

  /** One environment with the live state of its objects. */
  async get(actor: Actor, name: unknown): Promise<Environment> {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.read', envName);
    const record = await this.requireRecord(envName);
    const type = this.typeOf(record);
    let objects: EnvironmentObjectStatus[];
    try {
      objects = await this.cluster.objectStatus(record, type);
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
    const { req, record, now } = await this.updatable(
      actor,
      name,
      body,
      validateUpdateRequest,
    );
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
    return this.reapply(actor, 'environment.update', next);
  }

  /** Pushes the expiry out by `ttl` from the later of now and the current expiry. */
  async extend(
    actor: Actor,
    name: unknown,
    body: unknown,
  ): Promise<Environment> {
    const {
      req: ttlMs,
      record,
      now,
    } = await this.updatable(actor, name, body, validateTtlRequest);
    const envName = record.name;
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
      await auditEnvironment(
        this.deps.auditor,
        actor,
        'environment.extend',
        envName,
        'failed',
        {},
        e,
      );
      throw e;
    }
    const next = {
      ...record,
      expiresAt: new Date(from + ttlMs).toISOString(),
      updatedAt: now.toISOString(),
    };
    return this.reapply(actor, 'environment.extend', next);
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
      throw new InputError([
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
    await this.cluster.teardown(
      actor,
      'environment.delete',
      record,
      onProgress,
    );
  }

  /** Deletes every environment whose expiry has passed (the reaper task). */
  async reapExpired(
    onProgress: ProgressListener = noProgress,
  ): Promise<string[]> {
    const expired = await this.deps.store.listExpired(this.deps.clock.now());
    const reaped: string[] = [];
    for (const record of expired) {
      try {
        await this.cluster.teardown(
          REAPER,
          'environment.reap',
          record,
          onProgress,
        );
        reaped.push(record.name);
      } catch (e) {
        onProgress(`could not reap ${record.name}: ${(e as Error).message}`);
      }
    }
    return reaped;
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

  /**
   * The environment `name` for a change the actor may make
   * (environment.update), with its request validated (403 before 400 before
   * 404) and the time the change is made.
   */
  private async updatable<T>(
    actor: Actor,
    name: unknown,
    body: unknown,
    validate: (body: unknown) => T,
  ) {
    const envName = assertEnvironmentName(name);
    await this.authorize(actor, 'environment.update', envName);
    const req = validate(body);
    const record = await this.requireRecord(envName);
    return { req, record, now: this.deps.clock.now() };
  }

  /** Applies a changed record of an existing environment (its type unchanged). */
  private reapply(actor: Actor, action: string, next: EnvironmentRecord) {
    return this.cluster.provision(
      actor,
      action,
      next,
      this.typeOf(next),
      noProgress,
    );
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
}
