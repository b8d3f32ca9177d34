import {
  ANNOTATIONS,
  ApplyManifestsResult,
  FieldError,
  LABELS,
  MANAGED_BY,
  Origin,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { checkExposure, ExposurePolicy } from '../policy/exposure';
import { podSecurityViolations } from '../policy/podSecurity';
import { ConflictError, NotFoundError } from '../errors';
import {
  asObject,
  authorizeOrThrow,
  checkBody,
  checkOrigin,
  originOf,
} from '../input';
import type {
  Actor,
  ClusterGateway,
  EnvironmentRecord,
  EnvironmentStore,
  Guarded,
  KubeObject,
} from '../ports';
import { warningLines } from '../warnings';
import { assertEnvironmentName } from '../environments/validation';
import { isManagedByStagecraft, refOf } from '../environments/manifests';
import { diffObjects } from '../deployments/diff';
import { parseManifests } from './parseManifests';

/**
 * Kinds never applied whatever the allow-list says: they change who may do
 * what (RBAC, service account tokens) or reach outside the namespace.
 */
const NEVER = new Set([
  'Namespace',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'ServiceAccount',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/** `Kind` for the core group, `Kind.group` otherwise (as kubectl names them). */
export function kindKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/**
 * The guarded apply use case (scaffolder `stagecraft:apply`): namespaced objects of allow-listed
 * kinds into the namespace of a Stagecraft environment the actor may update,
 * labelled as Stagecraft's, never adopting what Stagecraft does not manage.
 */
export class ManifestService {
  private readonly allowed: Set<string>;

  constructor(
    private readonly deps: Guarded & {
      gateway: ClusterGateway;
      store: EnvironmentStore;
      /** `Kind` (core) or `Kind.group`; empty allows nothing. */
      allowedKinds: string[];
      /** What objects may expose per environment (exposureByType); unchecked when absent. */
      exposure?: (env: EnvironmentRecord) => ExposurePolicy;
      /** Whether an environment's changes go through Git (delivery: gitops). */
      deliversThroughGit?: (env: EnvironmentRecord) => boolean;
    },
  ) {
    this.allowed = new Set(deps.allowedKinds);
  }

  /** The kinds an administrator allowed (for the action's documentation). */
  allowedKinds(): string[] {
    return [...this.allowed].filter(k => !NEVER.has(k.split('.')[0]));
  }

  async apply(
    actor: Actor,
    environment: unknown,
    body: unknown,
  ): Promise<ApplyManifestsResult> {
    const envName = assertEnvironmentName(environment, 'environment');
    const b = asObject(body);
    checkBody(b, ['manifests', 'dryRun', 'origin'], {
      dryRun: v =>
        v === undefined || typeof v === 'boolean'
          ? undefined
          : 'dryRun must be true or false',
      origin: checkOrigin,
    });
    await authorizeOrThrow(
      this.deps,
      actor,
      'environment.update',
      envName,
      { targetKind: 'environment', target: envName },
      `${actor.ref} is not allowed to apply objects to environment "${envName}"`,
    );
    const objects = parseManifests(b.manifests);
    const env = await this.deps.store.getEnvironment(envName);
    if (!env) throw new NotFoundError(`environment "${envName}" not found`);
    if (this.deps.deliversThroughGit?.(env)) {
      // Git is the source of truth there: a direct write would be pruned
      // or overwritten by Flux, and bypass the review Git gives
      throw new ConflictError(
        `environment "${envName}" delivers through Git (delivery: gitops); the guarded apply writes to clusters directly and is not available there — commit the objects to the environment's repository instead`,
      );
    }
    await this.checkKinds(env.cluster, env.namespace, objects);
    const exposed = this.deps.exposure
      ? checkExposure(objects, this.deps.exposure(env), i => `manifests[${i}]`)
      : [];
    if (exposed.length) throw new InputError(exposed);
    const desired = objects.map(o =>
      this.labelled(o, env.namespace, envName, actor, originOf(b.origin)),
    );
    const live = await Promise.all(
      desired.map(o => this.deps.gateway.get(env.cluster, refOf(o))),
    );
    const foreign = desired.filter(
      (_, i) => live[i] && !isManagedByStagecraft(live[i]),
    );
    if (foreign.length) {
      throw new ConflictError(
        `${foreign
          .map(o => `${o.kind}/${o.metadata.name}`)
          .join(', ')} already exist in namespace ${
          env.namespace
        } and are not managed by Stagecraft; they were left untouched`,
      );
    }
    const summary = desired.map(o => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
    }));
    // the namespace's Pod Security level, as its API server answers a dry run
    const insecure = await podSecurityViolations(
      this.deps.gateway,
      env.cluster,
      env.namespace,
      desired,
      (i, path) => `manifests[${i}].${path}`,
    );
    if (insecure.length) throw new InputError(insecure);
    const dryRun = b.dryRun === true;
    const base = { environment: envName, namespace: env.namespace };
    try {
      const { objects: applied, warnings } =
        await this.deps.gateway.applyWithWarnings(env.cluster, desired, {
          dryRun,
        });
      const said = warningLines(warnings);
      const diff = diffObjects(
        applied.map((d, i) => ({ live: live[i], desired: d })),
      );
      if (dryRun) {
        return {
          ...base,
          dryRun,
          objects: summary,
          changed: [],
          diff,
          ...(said.length && { warnings: said }),
        };
      }
      const changed = applied
        .filter(
          (o, i) =>
            live[i]?.metadata.resourceVersion !== o.metadata.resourceVersion,
        )
        .map(o => `${o.kind}/${o.metadata.name}`);
      await this.audit(actor, envName, 'succeeded', {
        namespace: env.namespace,
        objects: summary.map(o => `${o.kind}/${o.name}`),
        changed,
        ...(said.length && { warnings: said }),
      });
      return {
        ...base,
        dryRun,
        objects: summary,
        changed,
        diff,
        ...(said.length && { warnings: said }),
      };
    } catch (e) {
      if (!dryRun) {
        await this.audit(
          actor,
          envName,
          'failed',
          { objects: summary.map(o => `${o.kind}/${o.name}`) },
          e,
        );
      }
      throw e;
    }
  }

  /** Refuses kinds outside the allow-list, forbidden or cluster-scoped kinds, other namespaces. */
  private async checkKinds(
    cluster: string,
    namespace: string,
    objects: KubeObject[],
  ) {
    const errors: FieldError[] = [];
    for (const [i, o] of objects.entries()) {
      const field = `manifests[${i}]`;
      const key = kindKey(o.apiVersion, o.kind);
      if (NEVER.has(o.kind) || NEVER.has(key)) {
        errors.push({
          field: `${field}.kind`,
          message: `${field} is a ${o.kind}: the guarded apply never creates ${o.kind}s (access and namespaces are Stagecraft's to manage)`,
        });
        continue;
      }
      if (!this.allowed.has(key)) {
        errors.push({
          field: `${field}.kind`,
          message: `${field} is a ${key}, which is not in stagecraft.apply.allowedKinds (${
            this.allowedKinds().join(', ') || 'none allowed'
          })`,
        });
        continue;
      }
      if (
        o.metadata.namespace !== undefined &&
        o.metadata.namespace !== namespace
      ) {
        errors.push({
          field: `${field}.metadata.namespace`,
          message: `${field}.metadata.namespace "${String(
            o.metadata.namespace,
          ).slice(0, 63)}" is not the environment's namespace "${namespace}"`,
        });
        continue;
      }
      const scope = await this.deps.gateway.kindScope(
        cluster,
        o.apiVersion,
        o.kind,
      );
      if (scope !== 'Namespaced') {
        errors.push({
          field: `${field}.kind`,
          message:
            scope === 'Cluster'
              ? `${field} is a ${key}, which is cluster-scoped; only namespaced objects are applied`
              : `${field}: cluster ${cluster} does not serve ${o.apiVersion} ${o.kind}`,
        });
      }
    }
    if (errors.length) throw new InputError(errors);
  }

  private labelled(
    o: KubeObject,
    namespace: string,
    environment: string,
    actor: Actor,
    origin: Origin | undefined,
  ): KubeObject {
    return {
      ...o,
      metadata: {
        ...o.metadata,
        namespace,
        labels: {
          ...o.metadata.labels,
          [LABELS.managedBy]: MANAGED_BY,
          [LABELS.environment]: environment,
        },
        annotations: {
          ...o.metadata.annotations,
          'stagecraft.io/applied-by': actor.ref,
          ...(origin && {
            [ANNOTATIONS.scaffolderTask]: origin.taskId,
            ...(origin.template && { [ANNOTATIONS.template]: origin.template }),
          }),
        },
      },
    };
  }

  private async audit(
    actor: Actor,
    target: string,
    outcome: 'succeeded' | 'failed',
    details: Record<string, unknown>,
    error?: unknown,
  ) {
    await this.deps.auditor.record({
      action: 'manifests.apply',
      actor: actor.ref,
      targetKind: 'environment',
      target,
      outcome,
      details,
      ...(error !== undefined && {
        error: (error as Error).message ?? String(error),
      }),
    });
  }
}
