/**
 * The collaborators use cases depend on. Plain TypeScript: no Backstage, no
 * HTTP, no Kubernetes client. Real implementations are wired in plugin.ts;
 * tests may substitute fakes of these interfaces (never of the domain).
 */
import type { Environment } from '@stagecraft/backstage-plugin-stagecraft-common';

/** A cluster Stagecraft may talk to, as configured by an administrator. */
export interface ClusterRef {
  name: string;
}

/** Outcome of probing one cluster's API server. */
export type ClusterProbe =
  | { reachable: true; version: string; latencyMs: number }
  | { reachable: false; error: string; latencyMs: number };

/** A Kubernetes object as the gateway reads and writes it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    deletionTimestamp?: string | Date;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Identifies one object: apiVersion, kind, name and (for namespaced kinds) namespace. */
export interface KubeObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Everything the domain needs from Kubernetes goes through this port. */
export interface ClusterGateway {
  /** The configured clusters, in configuration order. */
  listClusters(): ClusterRef[];
  /** Asks the cluster's API server for its version within `timeoutMs`. */
  probe(cluster: string, options: { timeoutMs: number }): Promise<ClusterProbe>;
  /**
   * Server-side apply (field manager `stagecraft`, never forced) of each
   * object in order; returns the live objects. A conflict with another field
   * manager fails with a ConflictError naming it.
   */
  apply(cluster: string, objects: KubeObject[]): Promise<KubeObject[]>;
  /** Reads one object; undefined when it does not exist. */
  get(cluster: string, ref: KubeObjectRef): Promise<KubeObject | undefined>;
  /** Deletes one object; succeeds when it is already gone. */
  delete(cluster: string, ref: KubeObjectRef): Promise<void>;
}

/** Who acts: a user or a service, with opaque credentials for the Authorizer. */
export interface Actor {
  /** `user:default/alice`, or `plugin:<id>` / `system:reaper` for services. */
  ref: string;
  /** Opaque to the domain; the Authorizer implementation knows the type. */
  credentials?: unknown;
}

/** Permission names of the use cases (mirror stagecraft-common's permissions). */
export type StagecraftAction =
  | 'environment.create'
  | 'environment.read'
  | 'environment.update'
  | 'environment.delete';

/** Decides whether an actor may do something (backed by Backstage permissions). */
export interface Authorizer {
  /**
   * One decision per resource name (or a single decision when `resources`
   * is omitted, for actions without a resource such as create).
   */
  authorize(
    actor: Actor,
    action: StagecraftAction,
    resources?: string[],
  ): Promise<boolean[]>;
}

/** One audited change. Never carries secret values. */
export interface AuditEvent {
  action: string;
  actor: string;
  targetKind: 'environment';
  target: string;
  outcome: 'succeeded' | 'failed';
  details?: Record<string, unknown>;
  error?: string;
}

/** Records every change (database row + Backstage auditor event). */
export interface Auditor {
  record(event: AuditEvent): Promise<void>;
}

/** The record Stagecraft keeps of an environment. */
export type EnvironmentRecord = Omit<Environment, 'objects' | 'message'> & {
  message?: string;
};

/** Persistence of environments and the audit trail. */
export interface EnvironmentStore {
  getEnvironment(name: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  putEnvironment(record: EnvironmentRecord): Promise<void>;
  deleteEnvironment(name: string): Promise<void>;
  listExpired(now: Date): Promise<EnvironmentRecord[]>;
  /** The audit trail of one environment, oldest first (kept after deletion). */
  listAudit(target: string): Promise<Array<AuditEvent & { at: string }>>;
}

/** Time, injectable for tests. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/** Progress of long work (namespace deletion…), for logs and task output. */
export type ProgressListener = (message: string) => void;
