import type { KubeObject } from '../ports';

/** One object a resource's provisioning would write, seen by a preview. */
export interface ResourcePreview {
  /** The resource's name in the namespace. */
  resource: string;
  live: KubeObject | undefined;
  /** The object as the server's dry run answered (or, for a generated Secret, its name only). */
  desired: KubeObject;
  /** Generated Secrets are created only if absent and never read: no diff. */
  createIfAbsent?: boolean;
}

/** Collects what a driver would write during a preview. */
export interface PreviewRecorder {
  applied(live: KubeObject | undefined, desired: KubeObject): void;
  createdIfAbsent(object: KubeObject): void;
}

/** A recorder of one resource's objects; Secret values are dropped on arrival. */
export function recorder(
  resource: string,
): PreviewRecorder & { items: ResourcePreview[] } {
  const items: ResourcePreview[] = [];
  return {
    items,
    applied: (live, desired) => items.push({ resource, live, desired }),
    createdIfAbsent: o =>
      items.push({
        resource,
        live: undefined,
        desired: {
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
        },
        createIfAbsent: true,
      }),
  };
}
