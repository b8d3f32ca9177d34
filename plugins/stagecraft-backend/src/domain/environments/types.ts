import type {
  ConfigValue,
  DeployWindow,
  EnvironmentQuota,
  EnvironmentTier,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ExposureKind } from '../policy/exposure';
import type { GitopsSettings } from '../delivery/ports';

/** Pod Security admission level of an environment's namespace. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** An environment type with every per-type default resolved. */
export interface EnvironmentTypeSpec {
  name: string;
  tier: EnvironmentTier;
  description?: string;
  quota: EnvironmentQuota;
  /** LimitRange container defaults, so pods without resources fit the quota. */
  limits: {
    defaultRequest: { cpu: string; memory: string };
    default: { cpu: string; memory: string };
  };
  /** Pod Security admission labels; the version is pinned, never `latest`. */
  podSecurity: { level: PodSecurityLevel; version: string };
  /** `default-deny`: deny all, allow same namespace and DNS. `none`: no policies. */
  networkPolicy: 'default-deny' | 'none';
  /**
   * Host of a component's Ingress in environments of this type, with
   * {component}, {environment} and {namespace} replaced; no Ingress when unset.
   */
  ingressHostPattern?: string;
  /** Ways Services may expose traffic beyond the cluster (none by default). */
  expose: ExposureKind[];
  /** Configuration values every environment of this type starts from. */
  config?: Record<string, ConfigValue>;
  /** TTL given to new environments of this type (previews), e.g. "72h". */
  defaultTtl?: string;
  /** The longest an environment of this type may live from now; extend refuses more. */
  maxTtl?: string;
  /** Position in the promotion pipeline (lower promotes to higher). */
  order: number;
  /** Deploys, promotions and rollbacks into it wait for approvals from a group. */
  approvals?: { required: number; group: string };
  /** When changes may happen (cron starts, duration, time zone); always when empty. */
  deployWindows?: DeployWindow[];
  /**
   * GitOps delivery: changes are commits to this repository, applied by
   * Flux. Absent: Stagecraft applies them itself (`apply`).
   */
  gitops?: GitopsSettings;
}

const TIER_QUOTA: Record<EnvironmentTier, EnvironmentQuota> = {
  preview: { cpu: '2', memory: '4Gi', pods: 20 },
  development: { cpu: '4', memory: '8Gi', pods: 40 },
  staging: { cpu: '8', memory: '16Gi', pods: 80 },
  production: { cpu: '16', memory: '32Gi', pods: 200 },
};
const TIER_ORDER: Record<EnvironmentTier, number> = {
  preview: 0,
  development: 1,
  staging: 2,
  production: 3,
};

/** Pod Security standards version pinned by default (override per type). */
export const DEFAULT_POD_SECURITY_VERSION = 'v1.33';

/** The defaults of a tier, used for every field a type leaves out. */
export function tierDefaults(
  name: string,
  tier: EnvironmentTier,
): EnvironmentTypeSpec {
  return {
    name,
    tier,
    quota: { ...TIER_QUOTA[tier] },
    limits: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
    },
    podSecurity: { level: 'restricted', version: DEFAULT_POD_SECURITY_VERSION },
    networkPolicy: 'default-deny',
    expose: [],
    ...(tier === 'preview' && { defaultTtl: '72h' }),
    order: TIER_ORDER[tier],
  };
}
