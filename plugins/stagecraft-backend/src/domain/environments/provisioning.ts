import {
  Environment,
  EnvironmentObjectStatus,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { ConflictError } from '../errors';
import type {
  Actor,
  Auditor,
  Clock,
  ClusterGateway,
  EnvironmentRecord,
  EnvironmentStore,
  KubeObject,
  ProgressListener,
} from '../ports';
import {
  isManagedByStagecraft,
  OwnerSubjectMapper,
  refOf,
  renderEnvironmentObjects,
} from './manifests';
import type { EnvironmentTypeSpec } from './types';
import { sayWarnings } from '../warnings';
import type { GitopsDelivery } from '../delivery/GitopsDelivery';
import type { GitopsSettings } from '../delivery/ports';
import {
  FLUX_KUSTOMIZE_API,
  FLUX_SOURCE_API,
  fluxObjects,
} from '../delivery/gitops';

/** A Secret's version: Stagecraft writes Secrets without reading them. */
const SECRET_UNREAD = '\u0000secret';

/** What provisioning and teardown are built from. */
export interface ProvisioningDeps {
  gateway: ClusterGateway;
  store: EnvironmentStore;
  auditor: Auditor;
  clock: Clock;
  /** How long delete waits for the namespace to be gone. */
  deleteTimeoutMs?: number;
  /** The RoleBinding subject of an owner (stagecraft.ownerSubjects); the default mapping when absent. */
  ownerSubject?: OwnerSubjectMapper;
  /** Deprovisions the environment's resources before its namespace goes. */
  resources?: {
    deprovisionAll(
      actor: Actor,
      env: EnvironmentRecord,
      onProgress: ProgressListener,
    ): Promise<void>;
  };
  /** GitOps delivery: the Flux objects and the Git folder of environments whose type has `gitops`. */
  gitops?: {
    settingsFor(env: EnvironmentRecord): GitopsSettings | undefined;
    delivery: GitopsDelivery;
  };
}

/**
 * The cluster side of environments: applies an environment's objects and
 * records the outcome, tears its namespace down (waiting until it is gone),
 * reads which of its objects are present; each write audited.
 */
export class EnvironmentProvisioning {
  constructor(private readonly deps: ProvisioningDeps) {}

  async teardown(
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
    await this.audited(actor, action, record, async () => {
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
      const gitops = this.deps.gitops?.settingsFor(record);
      if (gitops) {
        await this.deps.gitops!.delivery.teardown(
          actor,
          gitops,
          record,
          onProgress,
        );
      }
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
      return { value: undefined };
    });
  }

  /** Applies an environment's objects, records the outcome and audits it. */
  async provision(
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
    const gitops = this.deps.gitops && type.gitops;
    const markFailed = (e: unknown) =>
      this.deps.store.putEnvironment({
        ...record,
        phase: 'Failed',
        message: (e as Error).message,
      });
    return this.audited(
      actor,
      action,
      record,
      async () => {
        if (gitops) await this.requireFlux(record, type);
        const before = await this.versions(record.cluster, objects);
        await this.deps.store.putEnvironment(record);
        if (gitops) {
          // after the namespace's own objects: the RoleBinding Flux applies with lives in it
          objects.push(
            ...(await this.deps.gitops!.delivery.environmentObjects(
              actor,
              gitops,
              record,
              onProgress,
            )),
          );
          before.push(
            ...(await this.versions(
              record.cluster,
              objects.slice(before.length),
            )),
          );
        }
        onProgress(
          `applying ${objects.length} objects to namespace ${record.namespace} on ${record.cluster}`,
        );
        const { objects: applied, warnings: warned } =
          await this.deps.gateway.applyWithWarnings(record.cluster, objects);
        // Pod Security warn/audit levels, deprecated APIs: said while it
        // runs, kept on the environment (until the next provisioning) and in
        // the audit
        const warnings = sayWarnings(warned, onProgress);
        const changed = applied
          .filter(
            (o, i) =>
              before[i] !== SECRET_UNREAD &&
              before[i] !== o.metadata.resourceVersion,
          )
          .map(o => `${o.kind}/${o.metadata.name}`);
        const status = await this.objectStatus(record, type);
        const missing = status.filter(o => !o.present);
        const final: EnvironmentRecord = {
          ...record,
          ...(warnings.length && { warnings }),
          phase: missing.length ? 'Provisioning' : 'Ready',
          ...(missing.length && {
            message: `waiting for ${missing
              .map(o => `${o.kind}/${o.name}`)
              .join(', ')}`,
          }),
        };
        if (!missing.length) delete final.message;
        if (!warnings.length) delete final.warnings;
        await this.deps.store.putEnvironment(final);
        onProgress(
          changed.length
            ? `changed ${changed.join(', ')}`
            : 'no change: the cluster already matches',
        );
        return {
          value: { ...final, objects: status },
          details: {
            type: record.type,
            owner: record.owner,
            changed,
            ...(warnings.length && { warnings }),
          },
        };
      },
      markFailed,
    );
  }

  /**
   * Runs a write and audits its outcome on the environment: succeeded with
   * its cluster, namespace and the `details` the write returns; failed with
   * the error (after `onFailure`, if any), which is rethrown.
   */
  private async audited<T>(
    actor: Actor,
    action: string,
    record: EnvironmentRecord,
    work: () => Promise<{ value: T; details?: Record<string, unknown> }>,
    onFailure?: (e: unknown) => Promise<void>,
  ): Promise<T> {
    try {
      const { value, details } = await work();
      await auditEnvironment(
        this.deps.auditor,
        actor,
        action,
        record.name,
        'succeeded',
        { cluster: record.cluster, namespace: record.namespace, ...details },
      );
      return value;
    } catch (e) {
      await onFailure?.(e);
      await auditEnvironment(
        this.deps.auditor,
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

  /** Live resourceVersions; Secrets are write-only for Stagecraft (never read). */
  private async versions(cluster: string, objects: KubeObject[]) {
    return Promise.all(
      objects.map(async o =>
        o.kind === 'Secret'
          ? SECRET_UNREAD
          : (await this.deps.gateway.get(cluster, refOf(o)))?.metadata
              .resourceVersion,
      ),
    );
  }

  /**
   * An environment of a GitOps type needs Flux on its cluster: refused
   * (before anything is written) when the cluster does not serve Flux's
   * GitRepository and Kustomization.
   */
  private async requireFlux(
    record: EnvironmentRecord,
    type: EnvironmentTypeSpec,
  ) {
    const served = await Promise.all([
      this.deps.gateway.kindScope(
        record.cluster,
        FLUX_SOURCE_API,
        'GitRepository',
      ),
      this.deps.gateway.kindScope(
        record.cluster,
        FLUX_KUSTOMIZE_API,
        'Kustomization',
      ),
    ]);
    if (served.some(s => s === undefined)) {
      throw new ConflictError(
        `environment type "${type.name}" delivers through Git (delivery: gitops), but cluster "${record.cluster}" does not serve Flux's GitRepository (${FLUX_SOURCE_API}) and Kustomization (${FLUX_KUSTOMIZE_API}); install Flux's source-controller and kustomize-controller there`,
      );
    }
  }

  async objectStatus(
    record: EnvironmentRecord,
    type: EnvironmentTypeSpec,
  ): Promise<EnvironmentObjectStatus[]> {
    const objects = renderEnvironmentObjects(
      record,
      type,
      this.deps.ownerSubject,
    );
    if (this.deps.gitops && type.gitops) {
      // presence only: the credentials' values are never read
      objects.push(
        ...fluxObjects(record, type.gitops, {
          username: '',
          password: '',
        }).filter(o => o.kind !== 'Secret'),
      );
    }
    return Promise.all(
      objects.map(async o => ({
        kind: o.kind,
        name: o.metadata.name,
        present: Boolean(await this.deps.gateway.get(record.cluster, refOf(o))),
      })),
    );
  }
}

/** Audits an environment use case's outcome. */
export async function auditEnvironment(
  auditor: Auditor,
  actor: Actor,
  action: string,
  target: string,
  outcome: 'succeeded' | 'failed',
  details?: Record<string, unknown>,
  error?: unknown,
) {
  await auditor.record({
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
