/** apiVersion of every Stagecraft catalog kind. @public */
export const STAGECRAFT_API_VERSION = 'stagecraft.io/v1alpha1';
/** The catalog kind of an environment. @public */
export const ENVIRONMENT_KIND = 'Environment';

/** The tiers an environment type belongs to, in promotion order. @public */
export const ENVIRONMENT_TIERS = [
  'preview',
  'development',
  'staging',
  'production',
] as const;
/** @public */
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** The field manager of every server-side apply Stagecraft makes. @public */
export const FIELD_MANAGER = 'stagecraft';

/** Annotations Stagecraft reads or writes on catalog entities. @public */
export const ANNOTATIONS = {
  /** On an Environment: provisioned by Stagecraft (absent when only declared). */
  managed: 'stagecraft.io/managed',
  /** On a Component: location of its Score-compatible workload spec. */
  workload: 'stagecraft.io/workload',
  /** On a Component: environments it is deployed to (written by the catalog module). */
  deployedTo: 'stagecraft.io/deployed-to',
  /** On a Component: JSON schema its configuration values must satisfy. */
  configSchema: 'stagecraft.io/config-schema',
  /** The stock Kubernetes plugin's id annotation, kept compatible. */
  kubernetesId: 'backstage.io/kubernetes-id',
  /** On what a template run created: the scaffolder task that created it. */
  scaffolderTask: 'stagecraft.io/scaffolder-task',
  /** On what a template run created: the template it ran. */
  template: 'stagecraft.io/template',
} as const;

/** Labels Stagecraft puts on every Kubernetes object it manages. @public */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'stagecraft.io/environment',
  tier: 'stagecraft.io/tier',
  kubernetesId: 'backstage.io/kubernetes-id',
  /** On every object of a provisioned resource: the resource's name. */
  resource: 'stagecraft.io/resource',
  /** On every object of a provisioned resource: its type (`postgres`…). */
  resourceType: 'stagecraft.io/resource-type',
} as const;

/** Value of `app.kubernetes.io/managed-by` on objects Stagecraft owns. @public */
export const MANAGED_BY = 'stagecraft';

/** Relation types Stagecraft adds to the catalog. @public */
export const RELATIONS = {
  promotesTo: 'promotesTo',
  promotedFrom: 'promotedFrom',
  deployedTo: 'deployedTo',
  hasDeployment: 'hasDeployment',
} as const;
