/** A workload that asked for a resource. @public */
export interface ResourceConsumer {
  /** Entity ref of the component, e.g. `component:default/checkout`. */
  component: string;
  /** The resource's name in the component's workload (`resources.<name>`). */
  resource: string;
  /** Who deployed the request last. */
  actor: string;
  at: string;
}

/**
 * A resource provisioned in an environment (`GET /environments/:name/resources`).
 * Outputs are listed by name only: values never leave the backend, and
 * secret ones never enter it.
 * @public
 */
export interface ProvisionedResource {
  environment: string;
  /** Object name in the namespace (label `stagecraft.io/resource`). */
  name: string;
  type: string;
  class: string;
  /** The Score `id` of a shared resource. */
  id?: string;
  driver: string;
  /** The resource definition that matched. */
  definition: string;
  /** Objects the driver wrote (`Kind/name`). */
  objects: string[];
  outputs: Array<{ name: string; secret: boolean }>;
  consumers: ResourceConsumer[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Live readiness from the driver (absent when the cluster did not answer). */
  status?: { ready: boolean; message?: string };
}
