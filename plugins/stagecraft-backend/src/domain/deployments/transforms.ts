import type { ConfigValue } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';
import type { WorkloadSpec } from '../workloads';
import { isBareTag } from './input';

/** The image of the first container. */
export function mainImage(spec: WorkloadSpec): string {
  return Object.values(spec.containers)[0].image;
}

/**
 * Applies an image override to the first container: a bare tag replaces the
 * tag of the spec's image, anything else replaces the image.
 */
export function withImage(
  spec: WorkloadSpec,
  image: string | undefined,
): WorkloadSpec {
  if (!image) return spec;
  const [name, container] = Object.entries(spec.containers)[0];
  let next = image;
  if (isBareTag(image)) {
    const base = container.image.replace(/@sha256:[0-9a-f]+$/, '');
    const slash = base.lastIndexOf('/');
    const colon = base.lastIndexOf(':');
    next = `${colon > slash ? base.slice(0, colon) : base}:${image}`;
  }
  return {
    ...spec,
    containers: { ...spec.containers, [name]: { ...container, image: next } },
  };
}

/**
 * Configuration values become environment variables of every container,
 * overriding the workload's own defaults of the same name.
 */
export function withConfig(
  spec: WorkloadSpec,
  values: Record<string, ConfigValue> | undefined,
): WorkloadSpec {
  if (!values || Object.keys(values).length === 0) return spec;
  const vars = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      // literal: a value is never expanded as a Score placeholder
      (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\$/g, '$$$$'),
    ]),
  );
  return {
    ...spec,
    containers: Object.fromEntries(
      Object.entries(spec.containers).map(([name, c]) => [
        name,
        { ...c, variables: { ...c.variables, ...vars } },
      ]),
    ),
  };
}

/**
 * Each secret key becomes an environment variable of every container that
 * references the Secret (`secretKeyRef`): the value never enters the
 * Deployment. A pod-template annotation carries the keys' versions, so a
 * rotation rolls the pods on the next deploy.
 */
export function withSecretRefs(
  objects: KubeObject[],
  secrets: { name: string; keys: string[]; version: string } | undefined,
): KubeObject[] {
  if (!secrets || secrets.keys.length === 0) return objects;
  return objects.map(o => {
    if (o.kind !== 'Deployment') return o;
    const d = JSON.parse(JSON.stringify(o));
    const template = d.spec.template;
    template.metadata.annotations = {
      ...template.metadata.annotations,
      'stagecraft.io/secrets-version': secrets.version,
    };
    for (const c of template.spec.containers) {
      const env = (c.env ?? []).filter(
        (e: { name: string }) => !secrets.keys.includes(e.name),
      );
      c.env = [
        ...env,
        ...secrets.keys.map(key => ({
          name: key,
          valueFrom: { secretKeyRef: { name: secrets.name, key } },
        })),
      ];
    }
    return d;
  });
}

/** Pod template annotation of `kubectl rollout restart`. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Puts the restart annotation on the Deployment's pod template. */
export function withRestart(
  objects: KubeObject[],
  restartedAt: string | undefined,
): KubeObject[] {
  if (!restartedAt) return objects;
  return objects.map(o => {
    if (o.kind !== 'Deployment') return o;
    const spec = o.spec as {
      template: { metadata?: { annotations?: Record<string, string> } };
    };
    return {
      ...o,
      spec: {
        ...spec,
        template: {
          ...spec.template,
          metadata: {
            ...spec.template.metadata,
            annotations: {
              ...spec.template.metadata?.annotations,
              [RESTARTED_AT]: restartedAt,
            },
          },
        },
      },
    };
  });
}
