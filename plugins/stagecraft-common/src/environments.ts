import {
  ANNOTATIONS,
  ENVIRONMENT_KIND,
  EnvironmentTier,
  STAGECRAFT_API_VERSION,
} from './constants';
import type { EnvironmentEntity } from './environment';

/** Resource limits of an environment's namespace (a ResourceQuota). @public */
export interface EnvironmentQuota {
  /** Total CPU requests/limits, Kubernetes quantity, e.g. "4". */
  cpu: string;
  /** Total memory requests/limits, e.g. "8Gi". */
  memory: string;
  /** Maximum number of pods. */
  pods: number;
}

/** Lifecycle phase of a provisioned environment. @public */
export type EnvironmentPhase = 'Provisioning' | 'Ready' | 'Deleting' | 'Failed';

/** One Kubernetes object an environment is made of, and whether it exists. @public */
export interface EnvironmentObjectStatus {
  kind: string;
  name: string;
  present: boolean;
}

/**
 * What created something: the scaffolder task (and its template) a change
 * came from, so a template run's environments and deployments can be found
 * and torn down later.
 * @public
 */
export interface Origin {
  /** Scaffolder task id. */
  taskId: string;
  /** Entity ref of the template, e.g. `template:default/preview-environment`. */
  template?: string;
}

/** An environment Stagecraft provisions, as the API returns it. @public */
export interface Environment {
  /** DNS-1123 label, unique across clusters; also the catalog entity name. */
  name: string;
  /** Environment type from `stagecraft.environmentTypes`. */
  type: string;
  tier: EnvironmentTier;
  /** Cluster name from admin config. */
  cluster: string;
  namespace: string;
  /** Entity ref of the owning group (or user), e.g. `group:default/payments`. */
  owner: string;
  system?: string;
  promotesTo?: string;
  /** RFC 3339; previews are deleted after it. */
  expiresAt?: string;
  quota: EnvironmentQuota;
  phase: EnvironmentPhase;
  /** What is not right yet (e.g. which objects are missing). */
  message?: string;
  objects?: EnvironmentObjectStatus[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** The template run that created it, when one did. */
  origin?: Origin;
  /**
   * The API server's `Warning` headers on its last provisioning
   * (`Kind/name: text`: Pod Security warn/audit levels, deprecated APIs).
   */
  warnings?: string[];
}

/** Body of `POST /api/stagecraft/environments`. @public */
export interface CreateEnvironmentRequest {
  name: string;
  /** Environment type; decides tier, quota, limits, pod security, TTL. */
  type: string;
  owner: string;
  /** Defaults to the only configured cluster, or must be named. */
  cluster?: string;
  /** Defaults to the environment name. */
  namespace?: string;
  system?: string;
  promotesTo?: string;
  /** Time to live, e.g. "2s", "30m", "8h", "7d" (previews; the type may set a default). */
  ttl?: string;
  /** Overrides of the type's quota. */
  quota?: Partial<EnvironmentQuota>;
  /** Validate and check permissions only; change nothing. */
  dryRun?: boolean;
  /** The template run asking (recorded on the environment and its entity). */
  origin?: Origin;
}

/** Body of `POST /api/stagecraft/environments/:name/apply` (the guarded apply). @public */
export interface ApplyManifestsRequest {
  /** YAML (documents separated by `---`) or an array of objects. */
  manifests: string | object[];
  dryRun?: boolean;
  origin?: Origin;
}

/** What a guarded apply did (or, for a dry run, would do). @public */
export interface ApplyManifestsResult {
  dryRun: boolean;
  environment: string;
  namespace: string;
  objects: Array<{ apiVersion: string; kind: string; name: string }>;
  /** `Kind/name` of the objects the apply changed (empty for a dry run). */
  changed: string[];
  /** Unified diff of live vs desired. */
  diff: string;
  /** The API server's `Warning` headers on the apply (`Kind/name: text`), if any. */
  warnings?: string[];
}

/** Body of `PATCH /api/stagecraft/environments/:name`. @public */
export interface UpdateEnvironmentRequest {
  owner?: string;
  /** Entity ref of the system; null removes it. */
  system?: string | null;
  /** Entity ref of the next environment; null removes it (the pipeline order applies). */
  promotesTo?: string | null;
  quota?: Partial<EnvironmentQuota>;
  /** New time to live, counted from now. */
  ttl?: string;
}

/** Body of `DELETE /api/stagecraft/environments/:name` (production needs it). @public */
export interface DeleteEnvironmentRequest {
  /** Must equal the environment name to delete a production-tier environment. */
  confirm?: string;
  /** Check permission and confirmation only; delete nothing. */
  dryRun?: boolean;
}

/**
 * Published on the events service topic {@link ENVIRONMENT_EVENTS_TOPIC} when
 * the environments found in a cluster change: `full` carries every
 * environment of that cluster, `upsert`/`delete` one.
 * @public
 */
export type EnvironmentChangeEvent =
  | { type: 'full'; cluster: string; environments: Environment[] }
  | { type: 'upsert'; cluster: string; environment: Environment }
  | { type: 'delete'; cluster: string; name: string };

/** Events service topic of {@link EnvironmentChangeEvent}. @public */
export const ENVIRONMENT_EVENTS_TOPIC = 'stagecraft.environments';

/**
 * The catalog entity of a provisioned environment. Provisioned and
 * YAML-declared environments share the entity ref `environment:default/<name>`,
 * so the catalog keeps one entity per environment.
 * @public
 */
export function toEnvironmentEntity(env: Environment): EnvironmentEntity {
  return {
    apiVersion: STAGECRAFT_API_VERSION,
    kind: ENVIRONMENT_KIND,
    metadata: {
      name: env.name,
      namespace: 'default',
      annotations: {
        [ANNOTATIONS.managed]: 'true',
        ...(env.origin && {
          [ANNOTATIONS.scaffolderTask]: env.origin.taskId,
          ...(env.origin.template && {
            [ANNOTATIONS.template]: env.origin.template,
          }),
        }),
      },
    },
    spec: {
      tier: env.tier,
      type: env.type,
      owner: env.owner,
      cluster: env.cluster,
      namespace: env.namespace,
      ...(env.system && { system: env.system }),
      ...(env.promotesTo && { promotesTo: env.promotesTo }),
      ...(env.expiresAt && { expiresAt: env.expiresAt }),
    },
  };
}
