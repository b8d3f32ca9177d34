/**
 * The Score (score.dev/v1b1) workload as Stagecraft holds it after
 * validation: `files` and `volumes` normalised to lists (the map form keyed by
 * target path and the deprecated list form both read), quantities as strings.
 */

/** The only Score apiVersion Stagecraft reads. */
export const SCORE_API_VERSION = 'score.dev/v1b1';

/** A file mounted into a container (Score `files`, normalised to a list). */
export interface WorkloadFile {
  /** Absolute path of the file in the container. */
  target: string;
  /** Octal access mode, e.g. "0644". */
  mode?: string;
  /** Inline UTF-8 content; placeholders are expanded unless `noExpand`. */
  content?: string;
  /** Inline standard-base64 content; never expanded. */
  binaryContent?: string;
  /**
   * Path of a file next to the workload file. Read when the workload is read
   * from the catalog and replaced by `content` (or `binaryContent`) before a
   * release is made, so a release never depends on a file that may change.
   */
  source?: string;
  noExpand?: boolean;
}

/** A volume mounted into a container (Score `volumes`, normalised to a list). */
export interface WorkloadVolume {
  /** Absolute mount path in the container. */
  target: string;
  /** The resource providing the volume: `${resources.<name>}`. */
  source: string;
  /** Sub path inside the volume. */
  path?: string;
  readOnly?: boolean;
}

/** An HTTP GET health probe. */
export interface HttpGetProbe {
  path: string;
  port: number;
  scheme?: 'HTTP' | 'HTTPS';
  /** Host name to connect to (defaults to the pod IP). */
  host?: string;
  httpHeaders?: Array<{ name: string; value: string }>;
}

/** A liveness or readiness probe: HTTP GET, command, or both (exec wins). */
export interface WorkloadProbe {
  httpGet?: HttpGetProbe;
  exec?: { command: string[] };
}

/** CPU and memory as Kubernetes quantities ("250m", "1", "128Mi"). */
export interface ComputeQuantities {
  cpu?: string;
  memory?: string;
}

/** How far a container must get before the container naming it starts. */
export type ReadyCondition = 'started' | 'healthy' | 'complete';

/** One container of the workload. */
export interface WorkloadContainer {
  image: string;
  command?: string[];
  args?: string[];
  /** Environment variables; values may hold `${...}` placeholders. */
  variables?: Record<string, string>;
  files?: WorkloadFile[];
  volumes?: WorkloadVolume[];
  /** Containers that must reach `ready` before this one starts. */
  before?: Record<string, { ready: ReadyCondition }>;
  resources?: { requests?: ComputeQuantities; limits?: ComputeQuantities };
  livenessProbe?: WorkloadProbe;
  readinessProbe?: WorkloadProbe;
}

/** One named port of the workload's service. */
export interface WorkloadServicePort {
  port: number;
  /** Defaults to `port`. */
  targetPort?: number;
  /** Defaults to TCP. */
  protocol?: 'TCP' | 'UDP';
}

/** A resource the workload depends on (provisioned per environment). */
export interface WorkloadResource {
  type: string;
  class?: string;
  id?: string;
  params?: Record<string, unknown>;
  metadata?: { annotations?: Record<string, string>; [key: string]: unknown };
}

/** Workload metadata; Score allows extra keys, readable as `${metadata.<key>}`. */
export interface WorkloadMetadata {
  name: string;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A Score (score.dev/v1b1) workload, validated and normalised. */
export interface WorkloadSpec {
  apiVersion: 'score.dev/v1b1';
  metadata: WorkloadMetadata;
  containers: Record<string, WorkloadContainer>;
  service?: { ports: Record<string, WorkloadServicePort> };
  resources?: Record<string, WorkloadResource>;
}
