import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { KubeObject } from './cluster';

/**
 * A resource output that is a secret: a key of a Secret in the environment's
 * namespace. It reaches containers only as `valueFrom.secretKeyRef`, never as
 * a literal value.
 * @public
 */
export interface SecretOutputRef {
  secretKeyRef: { name: string; key: string };
}

/** One output of a resource: a plain value or a reference to a Secret key. @public */
export type ResourceOutputValue = string | SecretOutputRef;

/** The outputs of one resource by output name (`host`, `port`, `uri`…). @public */
export type ResourceOutputs = Record<string, ResourceOutputValue>;

/**
 * Where a resource definition applies: a resource `type` (and optionally a
 * Score `class`), narrowed by environment type, environment and component.
 * The most specific matching definition wins.
 * @public
 */
export interface ResourceDefinition {
  /** A name for messages and listings; defaults to a description of the criteria. */
  id?: string;
  /** The Score resource type, e.g. `postgres`. */
  type: string;
  /** Only requests of this Score `class` (otherwise any class). */
  class?: string;
  /** Only environments of this environment type (`stagecraft.environmentTypes[].name`). */
  environmentType?: string;
  /** Only this environment (by name). */
  environment?: string;
  /** Only this component (entity ref, e.g. `component:default/checkout`). */
  component?: string;
  /** The driver that provisions it: `manifests`, `claim`, `existing` or one added by a module. */
  driver: string;
  /** The driver's parameters (templates, names…), written by platform engineers. */
  params?: Record<string, unknown>;
}

/**
 * A Kubernetes object as drivers read and write it: the gateway's
 * {@link KubeObject}. @public
 */
export type ResourceObject = KubeObject;

/** One object by apiVersion, kind and name (in the environment's namespace). @public */
export interface ResourceObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/**
 * The cluster as a driver sees it: the environment's cluster, confined to the
 * environment's namespace (objects are put there; another namespace is
 * refused). Writes are server-side applies with Stagecraft's field manager.
 * Stagecraft cannot read Secrets, so neither can drivers.
 * @public
 */
export interface ResourceCluster {
  /** Server-side apply of each object in order (never forced); returns the live objects. */
  apply(objects: ResourceObject[]): Promise<ResourceObject[]>;
  /**
   * Creates the object unless one of that name exists; true when created.
   * The existing object is neither read nor changed (for generated secrets).
   */
  createIfAbsent(object: ResourceObject): Promise<boolean>;
  /** A JSON merge patch (e.g. the labels of a Secret, which cannot be read). */
  mergePatch(
    ref: ResourceObjectRef,
    patch: Record<string, unknown>,
  ): Promise<void>;
  /** Reads an object (not Secrets); undefined when it does not exist. */
  get(ref: ResourceObjectRef): Promise<ResourceObject | undefined>;
  /** Deletes an object; succeeds when it is already gone. */
  delete(ref: ResourceObjectRef): Promise<void>;
}

/** Everything a driver call gets. @public */
export interface ResourceDriverContext {
  /** The provisioned resource (one per `id` for shared ones). */
  resource: {
    /**
     * The resource's object name in the namespace: a DNS-1035 label of at
     * most 40 characters (the shared `id`, or `<component>-<resource name>`).
     */
    name: string;
    type: string;
    class: string;
    /** The Score `id` of a shared resource. */
    id?: string;
    /** The request's Score `params`. */
    params: Record<string, unknown>;
  };
  /** The definition that matched (its params are the driver's configuration). */
  definition: {
    id: string;
    driver: string;
    params: Record<string, unknown>;
  };
  environment: {
    name: string;
    namespace: string;
    cluster: string;
    tier: string;
    type: string;
    /** The environment type's `ingressHostPattern`, when it has one. */
    ingressHostPattern?: string;
  };
  /**
   * Labels every object of the resource must carry (managed-by, environment,
   * `stagecraft.io/resource`…), so it can be traced and cleaned up.
   */
  labels: Record<string, string>;
  /** Annotations every object carries (`stagecraft.io/requested-by`). */
  annotations: Record<string, string>;
  cluster: ResourceCluster;
  onProgress(message: string): void;
}

/** Whether a resource is usable. @public */
export interface ResourceStatus {
  ready: boolean;
  message?: string;
}

/**
 * A resource driver: provisions one kind of infrastructure for a resource
 * definition. Every method must be idempotent.
 * @public
 */
export interface ResourceDriver {
  /** The name definitions use in `driver`. */
  name: string;
  /**
   * Problems with a definition's params (checked at start-up), each naming
   * the param, e.g. `params.secretName is required`.
   */
  validate?(params: Record<string, unknown>): string[];
  /** Creates or updates what the resource needs; returns the objects it wrote. */
  provision(ctx: ResourceDriverContext): Promise<ResourceObjectRef[]>;
  /** The resource's outputs (no writes; secrets as Secret key references). */
  outputs(ctx: ResourceDriverContext): Promise<ResourceOutputs>;
  /** Whether it is ready to be used. */
  status(ctx: ResourceDriverContext): Promise<ResourceStatus>;
  /** Removes what provision wrote (leaves objects it did not create). */
  deprovision(ctx: ResourceDriverContext): Promise<void>;
}

/**
 * Lets backend modules add resource drivers and resource definitions. A
 * definition added here overrides a configured one with the same criteria.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'stagecraft',
 *   moduleId: 'my-drivers',
 *   register(env) {
 *     env.registerInit({
 *       deps: { resources: stagecraftResourcesExtensionPoint },
 *       async init({ resources }) {
 *         resources.addResourceDriver(myDriver);
 *       },
 *     });
 *   },
 * });
 * ```
 * @public
 */
export interface StagecraftResourcesExtensionPoint {
  addResourceDriver(...drivers: ResourceDriver[]): void;
  addResourceDefinitions(...definitions: ResourceDefinition[]): void;
}

/** @public */
export const stagecraftResourcesExtensionPoint =
  createExtensionPoint<StagecraftResourcesExtensionPoint>({
    id: 'stagecraft.resources',
  });
