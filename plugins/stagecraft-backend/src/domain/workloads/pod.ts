/**
 * The pod of a workload: containers (ordered by `before` into init
 * containers, native sidecars and main containers), their variables,
 * probes, file and volume mounts, meeting Pod Security `restricted`.
 */
import { createHash } from 'node:crypto';
import {
  FieldError,
  InputError,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { fieldPath } from './fields';
import { fileBytes } from './files';
import { podLayout } from './ordering';
import {
  expandPlaceholders,
  expandVariableParts,
  OutputValue,
  PlaceholderContext,
  ValuePart,
} from './placeholders';
import type { WorkloadContainer, WorkloadProbe, WorkloadSpec } from './types';
import { kubernetesVolumeSource, subPath, volumeResource } from './volumes';

/** Name of the volume holding a workload's files. */
const FILES_VOLUME = 'files';

/** What the pod is rendered from. */
export interface PodInput {
  spec: WorkloadSpec;
  /** The ConfigMap holding the files. */
  filesName: string;
  context: PlaceholderContext;
  resourceOutputs: Record<string, Record<string, OutputValue>>;
}

/** The pod spec and the contents of the files ConfigMap. */
export interface RenderedPod {
  podSpec: Record<string, unknown>;
  data: Record<string, string>;
  binaryData: Record<string, string>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
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

/** Kubernetes volume name of a resource's volume. */
const resourceVolumeName = (resource: string) =>
  `res-${sha256(resource).slice(0, 10)}`;

/**
 * The pod of a workload. Collects every problem (unknown placeholders,
 * volumes whose resource provides none) and throws them together.
 */
export function renderPod(input: PodInput): RenderedPod {
  const { spec, context, filesName } = input;
  const errors: FieldError[] = [];
  const collect = <T>(fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof InputError) {
        errors.push(...e.errors);
        return fallback;
      }
      throw e;
    }
  };
  const layout = podLayout(spec.containers);
  if (Array.isArray(layout)) throw new InputError(layout);

  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const fileItems: Array<{ key: string; path: string; mode?: number }> = [];
  const resourceVolumes = new Map<string, Record<string, unknown>>();

  const renderContainer = (containerName: string, c: WorkloadContainer) => {
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
      .map(variable => {
        const field = at('variables', variable);
        const value = variables[variable];
        return renderVariable(
          variable,
          collect([value], () => expandVariableParts(value, context, field)),
          helpers,
        );
      });
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
          )} was not read: a source file is read when the workload is read from the catalog; put the text in content or base64 in binaryContent`,
        });
        return;
      }
      const key = fileKey(containerName, file.target);
      if (file.binaryContent !== undefined) {
        binaryData[key] = fileBytes(file).toString('base64');
      } else {
        const content = file.content ?? '';
        const field = at('files', i, 'content');
        data[key] = file.noExpand
          ? content
          : collect(content, () => expandPlaceholders(content, context, field));
      }
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
    (c.volumes ?? []).forEach((volume, i) => {
      const field = at('volumes', i, 'source');
      const resource = volumeResource(volume.source)!;
      const source = kubernetesVolumeSource(
        resource,
        input.resourceOutputs[resource],
        field,
      );
      if ('field' in source) {
        errors.push(source);
        return;
      }
      const name = resourceVolumeName(resource);
      resourceVolumes.set(name, { name, ...source });
      const path = subPath(volume.path);
      mounts.push({
        name,
        mountPath: volume.target,
        ...(path && { subPath: path }),
        ...(volume.readOnly && { readOnly: true }),
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
  };

  const containers = layout.main.map(n =>
    renderContainer(n, spec.containers[n]),
  );
  const initContainers = layout.init.map(init => {
    const container: Record<string, unknown> = renderContainer(
      init.name,
      spec.containers[init.name],
    );
    if (!init.sidecar) return container;
    const startupProbe = init.startupProbe
      ? container[init.startupProbe]
      : undefined;
    return {
      ...container,
      restartPolicy: 'Always',
      ...(startupProbe !== undefined && { startupProbe }),
    };
  });
  if (errors.length) throw new InputError(errors);

  fileItems.sort((a, b) => (a.key < b.key ? -1 : 1));
  const volumes = [
    ...(fileItems.length > 0
      ? [
          {
            name: FILES_VOLUME,
            configMap: { name: filesName, items: fileItems },
          },
        ]
      : []),
    ...[...resourceVolumes.keys()].sort().map(k => resourceVolumes.get(k)!),
  ];
  const podSpec = {
    automountServiceAccountToken: false,
    ...(initContainers.length > 0 && { initContainers }),
    containers,
    securityContext: {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(volumes.length > 0 && { volumes }),
  };
  return { podSpec, data, binaryData };
}
