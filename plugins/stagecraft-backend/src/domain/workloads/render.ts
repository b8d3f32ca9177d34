/**
 * Pure, deterministic rendering of a workload into Kubernetes objects: the
 * same input always gives the same objects, byte for byte, so re-applying a
 * release changes nothing and the pod checksum only moves when the pod does.
 */
import { createHash } from 'node:crypto';
import {
  FieldError,
  LABELS,
  MANAGED_BY,
  validateDnsLabel,
  validateDnsSubdomain,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';
import { contentHash } from './canonical';
import { unknownContainer } from './fields';
import { SCORE_K8S_ANNOTATIONS } from './checks';
import type { OutputValue, PlaceholderContext } from './placeholders';
import { renderPod } from './pod';
import {
  fieldPath,
  validateWorkloadSpec,
  WorkloadContainer,
  WorkloadSpec,
} from './spec';

/** Annotations Stagecraft writes on the objects of a workload. */
export const WORKLOAD_ANNOTATIONS = {
  /** The release a Deployment (and its pods) runs. */
  release: 'stagecraft.io/release',
  /** sha256 of the canonical pod spec and file contents: changes ⇔ rollout. */
  checksum: 'stagecraft.io/checksum',
  owner: 'stagecraft.io/owner',
  system: 'stagecraft.io/system',
} as const;

/**
 * An image to deploy instead of the spec's: a string replaces the image of
 * the first container (in the order the spec declares them); a map replaces
 * the images of the containers it names.
 */
export type ImageOverride = string | Record<string, string>;

/**
 * Resource outputs by resource name, then output name. Secret outputs are
 * Secret key references and reach containers only as `secretKeyRef`.
 */
export type ResourceOutputs = Record<string, Record<string, OutputValue>>;

/** Everything a workload's objects are rendered from. */
export interface RenderInput {
  component: {
    name: string;
    kubernetesId: string;
    system?: string;
    owner?: string;
  };
  environment: { name: string; namespace: string; tier: string };
  spec: WorkloadSpec;
  releaseId: string;
  /** Override of the first (or the named) containers' images, e.g. to deploy v2. */
  image?: ImageOverride;
  /** Default 1. */
  replicas?: number;
  resourceOutputs?: ResourceOutputs;
  /** When set, an Ingress for this host routes to the first service port. */
  ingressHost?: string;
}

/** What identifies a release: the same inputs always give the same id. */
export interface ReleaseIdInput {
  spec: WorkloadSpec;
  image?: ImageOverride;
  configVersion?: string;
  resourceOutputs?: ResourceOutputs;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key];
  return out;
}

function labelValueProblem(
  value: unknown,
  field: string,
): FieldError | undefined {
  if (
    typeof value !== 'string' ||
    value.length > 63 ||
    !LABEL_VALUE.test(value)
  ) {
    return {
      field,
      message: `${field} ${JSON.stringify(
        value,
      )} must be a Kubernetes label value: up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`,
    };
  }
  return undefined;
}

/**
 * The spec with the image override applied (see {@link ImageOverride}).
 * Store this resolved spec with a release: it no longer depends on which
 * container comes first.
 */
export function applyImageOverride(
  spec: WorkloadSpec,
  image?: ImageOverride,
): WorkloadSpec {
  if (image === undefined) return spec;
  const names = Object.keys(spec.containers);
  const overrides: Record<string, unknown> =
    typeof image === 'string' ? { [names[0]]: image } : image;
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    const field =
      typeof image === 'string' ? 'image' : fieldPath(['image', name]);
    if (!names.includes(name)) {
      errors.push(unknownContainer(field, name, names));
    } else if (typeof value !== 'string' || !/^\S+$/.test(value)) {
      errors.push({
        field,
        message: `${field} must be a non-empty image reference without whitespace`,
      });
    }
  }
  if (errors.length) throw new InputError(errors);
  const containers: Record<string, WorkloadContainer> = {};
  for (const name of names) {
    containers[name] =
      overrides[name] === undefined
        ? spec.containers[name]
        : { ...spec.containers[name], image: overrides[name] as string };
  }
  return { ...spec, containers };
}

/**
 * The content id of a release: `r-` + the first 12 hex digits of the sha256
 * of the canonical JSON of the (image-resolved) spec, config version and
 * resource outputs. Replicas, environment and time play no part.
 */
export function releaseId(input: ReleaseIdInput): string {
  const spec = applyImageOverride(
    validateWorkloadSpec(input.spec, 'spec'),
    input.image,
  );
  const outputs =
    input.resourceOutputs && Object.keys(input.resourceOutputs).length > 0
      ? input.resourceOutputs
      : undefined;
  return `r-${contentHash({
    spec,
    configVersion: input.configVersion,
    resourceOutputs: outputs,
  }).slice(0, 12)}`;
}

/**
 * `app.kubernetes.io/instance` of a component in an environment:
 * `<component>-<environment>`, shortened with a hash when longer than a label
 * value may be. Part of the selector, so it never changes for the pair.
 */
export function instanceLabel(component: string, environment: string): string {
  const full = `${component}-${environment}`;
  if (full.length <= 63) return full;
  return `${full.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${sha256(
    full,
  ).slice(0, 8)}`;
}

/** The (immutable) selector of a component's pods in an environment. */
export function workloadSelector(
  component: string,
  environment: string,
): Record<string, string> {
  return {
    [LABELS.instance]: instanceLabel(component, environment),
    [LABELS.name]: component,
  };
}

/** The tag of an image reference, if it has one (`repo:1.4.2@sha256:…` → 1.4.2). */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0];
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon >= 0 && colon < last.length - 1
    ? last.slice(colon + 1)
    : undefined;
}

function toLabelValue(value: string): string | undefined {
  const cleaned = value
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  return cleaned || undefined;
}

function checkInput(input: RenderInput): FieldError[] {
  const errors: FieldError[] = [];
  const push = (e: FieldError | undefined) => e && errors.push(e);
  push(validateDnsLabel(input.component?.name, 'component.name'));
  push(
    labelValueProblem(input.component?.kubernetesId, 'component.kubernetesId'),
  );
  push(validateDnsLabel(input.environment?.namespace, 'environment.namespace'));
  push(labelValueProblem(input.environment?.name, 'environment.name'));
  push(labelValueProblem(input.environment?.tier, 'environment.tier'));
  if (typeof input.releaseId !== 'string' || !/^\S+$/.test(input.releaseId)) {
    errors.push({
      field: 'releaseId',
      message: 'releaseId must be a non-empty string without whitespace',
    });
  }
  if (
    input.replicas !== undefined &&
    !(Number.isInteger(input.replicas) && input.replicas >= 0)
  ) {
    errors.push({
      field: 'replicas',
      message: `replicas must be a whole number of 0 or more (got ${input.replicas})`,
    });
  }
  if (input.ingressHost !== undefined) {
    push(validateDnsSubdomain(input.ingressHost, 'ingressHost'));
  }
  return errors;
}

/**
 * The objects of a workload in one environment, in apply order: a ConfigMap
 * `<component>-files` (when containers have files), the Deployment, a Service
 * (when the spec has service ports) and an Ingress (when `ingressHost` is
 * given). Pods meet Pod Security `restricted`. Throws a InputError naming
 * every field that cannot be rendered (unknown placeholders, `source` files,
 * invalid names).
 */
export function renderWorkload(input: RenderInput): KubeObject[] {
  const errors = checkInput(input);
  if (errors.length) throw new InputError(errors);

  const spec = applyImageOverride(
    validateWorkloadSpec(input.spec, 'spec'),
    input.image,
  );
  const { component, environment } = input;
  const name = component.name;
  const namespace = environment.namespace;
  const context: PlaceholderContext = {
    metadata: spec.metadata,
    resources: spec.resources ?? {},
    resourceOutputs: input.resourceOutputs ?? {},
  };
  const ports = Object.entries(spec.service?.ports ?? {});
  if (input.ingressHost !== undefined && ports.length === 0) {
    throw new InputError([
      {
        field: 'ingressHost',
        message:
          'ingressHost needs a port to route to, but the workload declares no service.ports',
      },
    ]);
  }
  const filesName = `${name}-files`;
  const {
    podSpec,
    data: fileData,
    binaryData: fileBinary,
  } = renderPod({
    spec,
    filesName,
    context,
    resourceOutputs: input.resourceOutputs ?? {},
  });
  const data = sortedRecord(fileData);
  const binaryData = sortedRecord(fileBinary);
  const checksum = contentHash({
    pod: podSpec,
    files: data,
    ...(Object.keys(binaryData).length > 0 && { binaryFiles: binaryData }),
  });

  const containerNames = Object.keys(spec.containers);
  const firstImage = spec.containers[containerNames[0]].image;
  const tag = imageTag(firstImage);
  const labels = sortedRecord({
    [LABELS.name]: name,
    [LABELS.instance]: instanceLabel(name, environment.name),
    [LABELS.version]:
      (tag && toLabelValue(tag)) || toLabelValue(input.releaseId) || 'unknown',
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: environment.name,
    [LABELS.tier]: environment.tier,
    [LABELS.kubernetesId]: component.kubernetesId,
  });
  const selector = workloadSelector(name, environment.name);
  // score-k8s's own annotations steer rendering; they are not copied
  const userAnnotations = Object.fromEntries(
    Object.entries(spec.metadata.annotations ?? {}).filter(
      ([key]) => !key.startsWith(SCORE_K8S_ANNOTATIONS.prefix),
    ),
  );
  const meta = (objectName: string) => ({
    name: objectName,
    namespace,
    labels,
  });

  const objects: KubeObject[] = [];
  if (Object.keys(data).length + Object.keys(binaryData).length > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(filesName),
      ...(Object.keys(data).length > 0 && { data }),
      ...(Object.keys(binaryData).length > 0 && { binaryData }),
    });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...meta(name),
      annotations: sortedRecord({
        ...userAnnotations,
        ...(component.owner && {
          [WORKLOAD_ANNOTATIONS.owner]: component.owner,
        }),
        ...(component.system && {
          [WORKLOAD_ANNOTATIONS.system]: component.system,
        }),
        [WORKLOAD_ANNOTATIONS.release]: input.releaseId,
      }),
    },
    spec: {
      replicas: input.replicas ?? 1,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 120,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: sortedRecord({
            ...userAnnotations,
            [WORKLOAD_ANNOTATIONS.release]: input.releaseId,
            [WORKLOAD_ANNOTATIONS.checksum]: checksum,
          }),
        },
        spec: podSpec,
      },
    },
  });
  if (ports.length > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: ports.map(([portName, p]) => ({
          name: portName,
          port: p.port,
          targetPort: p.targetPort ?? p.port,
          protocol: p.protocol ?? 'TCP',
        })),
      },
    });
  }
  if (input.ingressHost !== undefined) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(name),
      spec: {
        rules: [
          {
            host: input.ingressHost,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: { name, port: { name: ports[0][0] } },
                  },
                },
              ],
            },
          },
        ],
      },
    });
  }
  // Fresh, unshared plain data: callers may annotate or mutate the objects.
  return JSON.parse(JSON.stringify(objects)) as KubeObject[];
}
