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
  ValidationError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { KubeObject } from '../ports';
import { contentHash } from './canonical';
import {
  expandPlaceholders,
  expandVariableParts,
  OutputValue,
  PlaceholderContext,
  ValuePart,
} from './placeholders';
import {
  fieldPath,
  validateWorkloadSpec,
  WorkloadContainer,
  WorkloadProbe,
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

/** Name of the volume (and prefix of the ConfigMap) holding a workload's files. */
const FILES_VOLUME = 'files';

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
      errors.push({
        field,
        message: `${field} names container "${name}", which the workload does not declare (it has ${names.join(
          ', ',
        )})`,
      });
    } else if (typeof value !== 'string' || !/^\S+$/.test(value)) {
      errors.push({
        field,
        message: `${field} must be a non-empty image reference without whitespace`,
      });
    }
  }
  if (errors.length) throw new ValidationError(errors);
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

/** ConfigMap key of a container's file: readable, unique and valid. */
function fileKey(container: string, target: string): string {
  const base = target
    .slice(target.lastIndexOf('/') + 1)
    .replace(/[^-._a-zA-Z0-9]/g, '_')
    .slice(0, 100);
  return `${container}.${sha256(target).slice(0, 8)}.${base}`;
}

/** Kubernetes expands `$(VAR)` and `$$` in env values; double `$` to keep values literal. */
function literalEnvValue(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** The helper variable of a secret output used inside a longer value. */
function helperVariable(ref: { name: string; key: string }): string {
  return `STAGECRAFT_SECRET_${`${ref.name}_${ref.key}`
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase()}`;
}

/**
 * One container variable: a literal value; a lone secret output as
 * `valueFrom.secretKeyRef`; secrets inside a longer value as helper
 * variables (secretKeyRef) that Kubernetes substitutes for `$(NAME)`. A
 * secret value never appears in the Deployment.
 */
function renderVariable(
  name: string,
  parts: ValuePart[],
  helpers: Map<string, Record<string, unknown>>,
): Record<string, unknown> {
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    return { name, valueFrom: { secretKeyRef: { ...parts[0].secretKeyRef } } };
  }
  const value = parts
    .map(p => {
      if (typeof p === 'string') return literalEnvValue(p);
      const helper = helperVariable(p.secretKeyRef);
      helpers.set(helper, {
        name: helper,
        valueFrom: { secretKeyRef: { ...p.secretKeyRef } },
      });
      return `$(${helper})`;
    })
    .join('');
  return { name, value };
}

function renderProbe(probe: WorkloadProbe | undefined) {
  if (!probe) return undefined;
  // Kubernetes allows one handler; Score says to prefer exec when both are given.
  if (probe.exec) return { exec: { command: [...probe.exec.command] } };
  const http = probe.httpGet!;
  return {
    httpGet: {
      path: http.path,
      port: http.port,
      ...(http.host !== undefined && { host: http.host }),
      ...(http.scheme !== undefined && { scheme: http.scheme }),
      ...(http.httpHeaders && {
        httpHeaders: http.httpHeaders.map(h => ({
          name: h.name,
          value: h.value,
        })),
      }),
    },
  };
}

function renderQuantities(q: { cpu?: string; memory?: string } | undefined) {
  if (!q || (q.cpu === undefined && q.memory === undefined)) return undefined;
  return {
    ...(q.cpu !== undefined && { cpu: q.cpu }),
    ...(q.memory !== undefined && { memory: q.memory }),
  };
}

/** The securityContext Pod Security `restricted` requires of every container. */
const containerSecurityContext = () => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
});

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
 * given). Pods meet Pod Security `restricted`. Throws a ValidationError naming
 * every field that cannot be rendered (unknown placeholders, `source` files,
 * invalid names).
 */
export function renderWorkload(input: RenderInput): KubeObject[] {
  const errors = checkInput(input);
  if (errors.length) throw new ValidationError(errors);

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
  const expandParts = (value: string, field: string): ValuePart[] => {
    try {
      return expandVariableParts(value, context, field);
    } catch (e) {
      if (e instanceof ValidationError) {
        errors.push(...e.errors);
        return [value];
      }
      throw e;
    }
  };
  const expand = (value: string, field: string): string => {
    try {
      return expandPlaceholders(value, context, field);
    } catch (e) {
      if (e instanceof ValidationError) {
        errors.push(...e.errors);
        return value;
      }
      throw e;
    }
  };

  const containerNames = Object.keys(spec.containers);
  const filesName = `${name}-${FILES_VOLUME}`;
  const fileData: Record<string, string> = {};
  const fileItems: Array<{ key: string; path: string; mode?: number }> = [];
  const containers = containerNames.map(containerName => {
    const c = spec.containers[containerName];
    const at = (...rest: Array<string | number>) =>
      fieldPath(['containers', containerName, ...rest]);
    if (c.image === '.') {
      errors.push({
        field: at('image'),
        message: `${at(
          'image',
        )} is "." (build from source), which Stagecraft cannot deploy: give the image to deploy`,
      });
    }
    const variables = c.variables ?? {};
    // helper variables holding secret outputs that are part of a longer
    // value; they come first so that `$(NAME)` can refer to them
    const helpers = new Map<string, Record<string, unknown>>();
    const env: Array<Record<string, unknown>> = Object.keys(variables)
      .sort()
      .map(variable =>
        renderVariable(
          variable,
          expandParts(variables[variable], at('variables', variable)),
          helpers,
        ),
      );
    env.unshift(...[...helpers.keys()].sort().map(h => helpers.get(h)!));
    const mounts: Array<Record<string, unknown>> = [];
    (c.files ?? []).forEach((file, i) => {
      if (file.source !== undefined) {
        errors.push({
          field: at('files', i, 'source'),
          message: `${at(
            'files',
            i,
            'source',
          )} is not supported yet: put the file's text in content instead`,
        });
        return;
      }
      const key = fileKey(containerName, file.target);
      const content = file.content ?? '';
      fileData[key] = file.noExpand
        ? content
        : expand(content, at('files', i, 'content'));
      fileItems.push({
        key,
        path: key,
        ...(file.mode !== undefined && { mode: parseInt(file.mode, 8) }),
      });
      mounts.push({
        name: FILES_VOLUME,
        mountPath: file.target,
        subPath: key,
        readOnly: true,
      });
    });
    mounts.sort((a, b) =>
      (a.mountPath as string) < (b.mountPath as string) ? -1 : 1,
    );
    const requests = renderQuantities(c.resources?.requests);
    const limits = renderQuantities(c.resources?.limits);
    const livenessProbe = renderProbe(c.livenessProbe);
    const readinessProbe = renderProbe(c.readinessProbe);
    return {
      name: containerName,
      image: c.image,
      ...(c.command && { command: [...c.command] }),
      ...(c.args && { args: [...c.args] }),
      ...(env.length > 0 && { env }),
      ...((requests || limits) && {
        resources: {
          ...(limits && { limits }),
          ...(requests && { requests }),
        },
      }),
      ...(livenessProbe && { livenessProbe }),
      ...(readinessProbe && { readinessProbe }),
      securityContext: containerSecurityContext(),
      ...(mounts.length > 0 && { volumeMounts: mounts }),
    };
  });

  const ports = Object.entries(spec.service?.ports ?? {});
  if (input.ingressHost !== undefined && ports.length === 0) {
    errors.push({
      field: 'ingressHost',
      message:
        'ingressHost needs a port to route to, but the workload declares no service.ports',
    });
  }
  if (errors.length) throw new ValidationError(errors);

  fileItems.sort((a, b) => (a.key < b.key ? -1 : 1));
  const podSpec = {
    automountServiceAccountToken: false,
    containers,
    securityContext: {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(fileItems.length > 0 && {
      volumes: [
        {
          name: FILES_VOLUME,
          configMap: { name: filesName, items: fileItems },
        },
      ],
    }),
  };
  const data = sortedRecord(fileData);
  const checksum = contentHash({ pod: podSpec, files: data });

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
  const userAnnotations = spec.metadata.annotations ?? {};
  const meta = (objectName: string) => ({
    name: objectName,
    namespace,
    labels,
  });

  const objects: KubeObject[] = [];
  if (Object.keys(data).length > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(filesName),
      data,
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
