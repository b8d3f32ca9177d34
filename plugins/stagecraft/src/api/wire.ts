import type {
  DeploymentRevision,
  DeploymentStatus,
  EnvironmentDeployment,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * What the backend may send of a type. The OpenAPI schemas mark no field
 * required and the event stream relays what the watch cache holds, so a view
 * must render any subset of the fields: every field, at every depth, may be
 * missing.
 * @public
 */
export type Wire<T> = T extends Array<infer U>
  ? Array<Wire<U>>
  : T extends object
  ? { [K in keyof T]?: Wire<T[K]> }
  : T;

/** A component in one environment as `GET /components/:ref/deployments` and the stream send it. @public */
export type WireDeployment = Wire<EnvironmentDeployment>;

/** A revision as the backend sends it. @public */
export type WireRevision = Wire<DeploymentRevision>;

/** A live status as the backend sends it. @public */
export type WireStatus = Wire<DeploymentStatus>;

/** A deployment that names its environment: one that can be shown in a row. */
export type PlacedDeployment = WireDeployment & { environment: string };

/** Whether a deployment names its environment (null and strings do not). */
export function isPlaced(d: unknown): d is PlacedDeployment {
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof (d as WireDeployment).environment === 'string' &&
    (d as WireDeployment).environment !== ''
  );
}

/** Environment → deployment, for the deployments that name their environment. */
export function byEnvironment(
  items: readonly unknown[] | undefined,
): Record<string, PlacedDeployment> {
  const out: Record<string, PlacedDeployment> = {};
  for (const d of Array.isArray(items) ? items : []) {
    if (isPlaced(d)) out[d.environment] = d;
  }
  return out;
}

/** The array the backend sent, or none when it sent something else. */
export function asArray<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
