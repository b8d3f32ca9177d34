import type { Knex } from 'knex';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  ApprovalRequest,
  ConfigVersion,
  DeploymentRevision,
  Release,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ApprovalStore,
  AuditEvent,
  ConfigStore,
  DeploymentStore,
  EnvironmentRecord,
  EnvironmentStore,
  ResourceConsumerRecord,
  ResourceRecord,
  ResourceStore,
} from '../domain/ports';
import type { SourceStore } from '../domain/sources/SourceService';

const migrationsDir = resolvePackagePath(
  '@stagecraft/backstage-plugin-stagecraft-backend',
  'migrations',
);

/** Deadlock / serialization failure (PostgreSQL) or a busy database (SQLite). */
function isTransient(e: unknown): boolean {
  const code = String((e as { code?: unknown }).code ?? '');
  return ['40001', '40P01', 'SQLITE_BUSY', 'SQLITE_LOCKED'].includes(code);
}

/** The records of rows: every table keeps its record as JSON in `record`. */
function records<T>(rows: Array<{ record: string }>): T[] {
  return rows.map(r => JSON.parse(r.record));
}

/**
 * The queryable columns of a record: each field under its snake_case name
 * (`expiresAt` → `expires_at`), an absent one as NULL.
 */
function columnsOf<T extends object>(
  record: T,
  fields: Array<keyof T & string>,
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map(f => [
      f.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`),
      record[f] ?? null,
    ]),
  );
}

/** A stored audit row. */
export interface AuditRow extends AuditEvent {
  id: number;
  at: string;
}

/** Environments and the audit trail in the plugin's database (SQLite or PostgreSQL). */
export class DatabaseStore
  implements
    EnvironmentStore,
    DeploymentStore,
    ConfigStore,
    SourceStore,
    ResourceStore,
    ApprovalStore
{
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DatabaseStore> {
    if (!options.skipMigrations) {
      await options.knex.migrate.latest({
        directory: migrationsDir,
        tableName: 'stagecraft_knex_migrations',
      });
    }
    return new DatabaseStore(options.knex);
  }

  private constructor(private readonly db: Knex) {}

  async getEnvironment(name: string): Promise<EnvironmentRecord | undefined> {
    return this.getRecord('stagecraft_environments', { name });
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    return records(await this.db('stagecraft_environments').orderBy('name'));
  }

  async putEnvironment(record: EnvironmentRecord): Promise<void> {
    await this.putRecord('stagecraft_environments', ['name'], record, [
      'name',
      'cluster',
      'namespace',
      'type',
      'tier',
      'owner',
      'phase',
      'expiresAt',
    ]);
  }

  async deleteEnvironment(name: string): Promise<void> {
    await this.db('stagecraft_environments').where({ name }).delete();
  }

  async listExpired(now: Date): Promise<EnvironmentRecord[]> {
    return records(
      await this.db('stagecraft_environments')
        .whereNotNull('expires_at')
        .andWhere('expires_at', '<=', now.toISOString()),
    );
  }

  async appendAudit(event: AuditEvent, at: Date): Promise<void> {
    await this.db('stagecraft_audit_events').insert({
      at: at.toISOString(),
      actor: event.actor,
      action: event.action,
      target_kind: event.targetKind,
      target: event.target,
      outcome: event.outcome,
      details: event.details ? JSON.stringify(event.details) : null,
      error: event.error ?? null,
    });
  }

  async listAudit(target: string): Promise<AuditRow[]> {
    const rows = await this.db('stagecraft_audit_events')
      .where({ target })
      .orderBy('id');
    return rows.map(r => ({
      id: Number(r.id),
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetKind: r.target_kind,
      target: r.target,
      outcome: r.outcome,
      ...(r.details && { details: JSON.parse(r.details) }),
      ...(r.error && { error: r.error }),
    }));
  }

  async putSource(
    repo: string,
    files: Record<string, string>,
    at: string,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('stagecraft_sources').where({ repo }).delete();
      await tx('stagecraft_sources').insert(
        Object.entries(files).map(([path, content]) => ({
          repo,
          path,
          content,
          updated_at: at,
        })),
      );
    });
  }

  async getSourceFile(repo: string, path: string): Promise<string | undefined> {
    const row = await this.db('stagecraft_sources')
      .where({ repo, path })
      .first();
    return row?.content;
  }

  async getRelease(id: string): Promise<Release | undefined> {
    return this.getRecord('stagecraft_releases', { id });
  }

  async putRelease(release: Release): Promise<void> {
    await this.db('stagecraft_releases')
      .insert({
        ...columnsOf(release, ['id', 'component', 'createdAt']),
        record: JSON.stringify(release),
      })
      .onConflict('id')
      .ignore();
  }

  async appendRevision(
    revision: Omit<DeploymentRevision, 'revision'>,
  ): Promise<DeploymentRevision> {
    return this.appendNumbered(
      'stagecraft_deployment_revisions',
      'revision',
      `revision:${revision.component}:${revision.environment}`,
      { component: revision.component, environment: revision.environment },
      n => ({ ...revision, revision: n }),
      ['releaseId', 'at'],
    );
  }

  async appendConfigVersion(
    version: Omit<ConfigVersion, 'version'>,
  ): Promise<ConfigVersion> {
    return this.appendNumbered(
      'stagecraft_config_versions',
      'version',
      `config:${version.scope}`,
      { scope: version.scope },
      n => ({ ...version, version: n }),
      ['at'],
    );
  }

  async listConfigVersions(scope: string): Promise<ConfigVersion[]> {
    return records(
      await this.db('stagecraft_config_versions')
        .where({ scope })
        .orderBy('version', 'desc'),
    );
  }

  async getConfigVersion(
    scope: string,
    version: number,
  ): Promise<ConfigVersion | undefined> {
    return this.getRecord('stagecraft_config_versions', { scope, version });
  }

  /**
   * Inserts or replaces (on `conflict`) the row of `record`: its queryable
   * columns (`fields`, see columnsOf) and the whole record as JSON.
   */
  private async putRecord<T extends object>(
    table: string,
    conflict: string[],
    record: T,
    fields: Array<keyof T & string>,
  ): Promise<void> {
    await this.db(table)
      .insert({ ...columnsOf(record, fields), record: JSON.stringify(record) })
      .onConflict(conflict)
      .merge();
  }

  /** The record of the row of `table` matching `where`, if there is one. */
  private async getRecord<T>(
    table: string,
    where: Record<string, string | number>,
  ): Promise<T | undefined> {
    const row = await this.db(table).where(where).first();
    return row ? JSON.parse(row.record) : undefined;
  }

  /**
   * Inserts the next numbered row of a sequence (1, 2, 3… per key) in one
   * transaction with taking its number: an atomic upsert of the key's counter
   * (`stagecraft_sequences`) whose row lock makes concurrent writers of the
   * same key wait for each other until commit, across backend replicas. A
   * rolled-back insert rolls its number back, so there are no gaps; the
   * unique (key, number) index refuses a duplicate should anything else
   * write the table. A serialization failure or deadlock (PostgreSQL) or a
   * busy database (SQLite) is retried a bounded number of times.
   */
  private async appendNumbered<T extends object>(
    table: string,
    column: string,
    sequence: string,
    key: Record<string, string>,
    build: (n: number) => T,
    fields: Array<keyof T & string>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async tx => {
          const [counter] = await tx('stagecraft_sequences')
            .insert({ key: sequence, value: 1 })
            .onConflict('key')
            .merge({ value: tx.raw('?? + 1', ['stagecraft_sequences.value']) })
            .returning('value');
          const n = Number(
            typeof counter === 'object' ? counter.value : counter,
          );
          const numbered = build(n);
          await tx(table).insert({
            ...key,
            [column]: n,
            ...columnsOf(numbered, fields),
            record: JSON.stringify(numbered),
          });
          return numbered;
        });
      } catch (e) {
        if (attempt >= 5 || !isTransient(e)) throw e;
        await new Promise(r => setTimeout(r, Math.random() * 50 * attempt));
      }
    }
  }

  async listRevisions(
    component: string,
    environment: string,
  ): Promise<DeploymentRevision[]> {
    return records(
      await this.db('stagecraft_deployment_revisions')
        .where({ component, environment })
        .orderBy('revision', 'desc'),
    );
  }

  /** The latest revision of every component deployed in one environment. */
  listCurrentIn(environment: string): Promise<DeploymentRevision[]> {
    return this.latestRevisions('environment', environment);
  }

  /** Revisions a template run made (their origin's task id), newest first. */
  async listRevisionsByTask(taskId: string): Promise<DeploymentRevision[]> {
    const rows = await this.db('stagecraft_deployment_revisions')
      .where('record', 'like', `%"taskId":${JSON.stringify(taskId)}%`)
      .orderBy('id', 'desc');
    return records<DeploymentRevision>(rows).filter(
      r => r.origin?.taskId === taskId,
    );
  }

  async putApproval(request: ApprovalRequest): Promise<void> {
    await this.putRecord('stagecraft_approvals', ['id'], request, [
      'id',
      'component',
      'environment',
      'state',
      'requestedAt',
    ]);
  }

  async getApproval(id: string): Promise<ApprovalRequest | undefined> {
    return this.getRecord('stagecraft_approvals', { id });
  }

  async listApprovals(filter: {
    component?: string;
    environment?: string;
    state?: string;
  }): Promise<ApprovalRequest[]> {
    const query = this.db('stagecraft_approvals').orderBy(
      'requested_at',
      'desc',
    );
    if (filter.component) query.where('component', filter.component);
    if (filter.environment) query.where('environment', filter.environment);
    if (filter.state) query.where('state', filter.state);
    return records(await query.limit(500));
  }

  listCurrent(component: string): Promise<DeploymentRevision[]> {
    return this.latestRevisions('component', component);
  }

  /**
   * The latest revision of each environment a component is in (`of`
   * component), or of each component in an environment (`of` environment),
   * in the order of the other column.
   */
  private async latestRevisions(
    of: 'component' | 'environment',
    value: string,
  ): Promise<DeploymentRevision[]> {
    const per = of === 'component' ? 'environment' : 'component';
    const latest = this.db('stagecraft_deployment_revisions')
      .select(per)
      .max('revision as revision')
      .where(of, value)
      .groupBy(per)
      .as('latest');
    const rows = await this.db('stagecraft_deployment_revisions as r')
      .join(latest, function on() {
        this.on(`r.${per}`, '=', `latest.${per}`).andOn(
          'r.revision',
          '=',
          'latest.revision',
        );
      })
      .where(`r.${of}`, value)
      .orderBy(`r.${per}`)
      .select('r.record');
    return records(rows);
  }

  async getResource(
    environment: string,
    name: string,
  ): Promise<ResourceRecord | undefined> {
    return this.getRecord('stagecraft_resources', { environment, name });
  }

  async listResources(environment: string): Promise<ResourceRecord[]> {
    return records(
      await this.db('stagecraft_resources')
        .where({ environment })
        .orderBy('name'),
    );
  }

  async putResource(record: ResourceRecord): Promise<void> {
    await this.putRecord(
      'stagecraft_resources',
      ['environment', 'name'],
      record,
      ['environment', 'name', 'key', 'type', 'driver'],
    );
  }

  async setConsumers(
    environment: string,
    component: string,
    consumers: ResourceConsumerRecord[],
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('stagecraft_resource_consumers')
        .where({ environment, component })
        .delete();
      if (consumers.length) {
        await tx('stagecraft_resource_consumers').insert(consumers);
      }
    });
  }

  async listConsumers(environment: string): Promise<ResourceConsumerRecord[]> {
    const rows = await this.db('stagecraft_resource_consumers')
      .where({ environment })
      .orderBy(['name', 'component', 'resource']);
    return rows.map(r => ({
      environment: r.environment,
      name: r.name,
      component: r.component,
      resource: r.resource,
      actor: r.actor,
      at: r.at,
    }));
  }

  async deleteResource(environment: string, name: string): Promise<void> {
    await this.db.transaction(async tx => {
      await tx('stagecraft_resource_consumers')
        .where({ environment, name })
        .delete();
      await tx('stagecraft_resources').where({ environment, name }).delete();
    });
  }
}
