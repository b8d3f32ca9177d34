/**
 * Stagecraft's checks of a workload beyond the Score schema: names Kubernetes
 * accepts, quantities, placeholders that can be checked before resources
 * exist, file and volume targets, container ordering, and the `k8s.score.dev/`
 * annotations score-k8s reads. Each problem names its field.
 */
import {
  FieldError,
  validateDnsLabel,
  validateDnsSubdomain,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { checkFiles } from './files';
import {
  fieldPath,
  isObject,
  Problems,
  Segments,
  targetEntries,
} from './fields';
import { podLayout } from './ordering';
import { PlaceholderContext, placeholderProblems } from './placeholders';
import { checkVolumes } from './volumes';

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUANTITY_RE =
  /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Annotation prefixes Stagecraft writes itself. */
const RESERVED_ANNOTATION_PREFIXES = ['stagecraft.io'];

/** The score-k8s annotations Stagecraft reads (and does not copy onto objects). */
export const SCORE_K8S_ANNOTATIONS = {
  prefix: 'k8s.score.dev/',
  kind: 'k8s.score.dev/kind',
  serviceName: 'k8s.score.dev/service-name',
} as const;

function annotationKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'may contain at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (validateDnsSubdomain(prefix, 'prefix')) {
      return `has a prefix "${prefix}" that is not a DNS subdomain`;
    }
    if (RESERVED_ANNOTATION_PREFIXES.includes(prefix)) {
      return `uses the prefix "${prefix}/", which is reserved for Stagecraft`;
    }
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be a name of up to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit, with an optional "prefix/"';
  }
  return undefined;
}

function checkAnnotations(
  annotations: unknown,
  base: Segments,
  problems: Problems,
) {
  if (!isObject(annotations)) return;
  for (const key of Object.keys(annotations)) {
    const problem = annotationKeyProblem(key);
    if (problem) {
      problems.add([...base, key], `annotation key "${key}" ${problem}`, ': ');
    }
  }
}

/** score-k8s's workload annotations: what Stagecraft can honour, or why not. */
function checkScoreK8sAnnotations(
  metadata: Record<string, unknown>,
  problems: Problems,
) {
  const annotations = isObject(metadata.annotations)
    ? metadata.annotations
    : {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(SCORE_K8S_ANNOTATIONS.prefix)) continue;
    const field: Segments = ['metadata', 'annotations', key];
    if (key === SCORE_K8S_ANNOTATIONS.kind) {
      if (value === 'StatefulSet') {
        problems.add(
          field,
          'is StatefulSet, which Stagecraft does not render yet: it deploys workloads as Deployments (status, rollout and rollback follow Deployments); remove the annotation or use "Deployment", and keep state in a volume resource',
        );
      } else if (value !== 'Deployment') {
        problems.add(
          field,
          `must be "Deployment" (score-k8s also knows "StatefulSet")`,
        );
      }
    } else if (key === SCORE_K8S_ANNOTATIONS.serviceName) {
      if (value !== metadata.name) {
        problems.add(
          field,
          'cannot rename the Service: Stagecraft names it after the component, which routes and other workloads rely on; remove the annotation',
        );
      }
    } else {
      problems.add(
        field,
        `is not an annotation Stagecraft knows (it reads ${SCORE_K8S_ANNOTATIONS.kind} only); remove it`,
      );
    }
  }
}

function checkDnsLabelKey(
  key: string,
  what: string,
  segments: Segments,
  problems: Problems,
) {
  const error = validateDnsLabel(key, what);
  if (error) problems.add(segments, error.message, ': ');
}

function checkQuantity(
  value: unknown,
  kind: 'cpu' | 'memory',
  segments: Segments,
  problems: Problems,
) {
  const example = kind === 'cpu' ? '"500m" or "2"' : '"128Mi" or "1Gi"';
  if (typeof value === 'number') {
    if (!(value >= 0)) {
      problems.add(segments, `must not be negative (e.g. ${example})`);
    }
  } else if (typeof value === 'string' && !QUANTITY_RE.test(value)) {
    problems.addValue(
      segments,
      value,
      `is not a Kubernetes quantity (e.g. ${example})`,
    );
  }
}

function checkProbes(
  container: Record<string, unknown>,
  at: Segments,
  problems: Problems,
) {
  for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
    const value = container[probe];
    if (!isObject(value)) continue;
    if (value.httpGet === undefined && value.exec === undefined) {
      problems.add([...at, probe], 'must have httpGet or exec');
    }
    const http = value.httpGet;
    if (
      isObject(http) &&
      typeof http.path === 'string' &&
      !http.path.startsWith('/')
    ) {
      problems.add([...at, probe, 'httpGet', 'path'], 'must start with /');
    }
    const exec = value.exec;
    if (
      isObject(exec) &&
      Array.isArray(exec.command) &&
      exec.command.length === 0
    ) {
      problems.add(
        [...at, probe, 'exec', 'command'],
        'must have at least 1 item',
      );
    }
  }
}

function checkContainer(
  name: string,
  container: Record<string, unknown>,
  context: PlaceholderContext,
  problems: Problems,
) {
  const at: Segments = ['containers', name];
  if (typeof container.image === 'string' && /\s/.test(container.image)) {
    problems.add(
      [...at, 'image'],
      'must be a non-empty image reference without whitespace',
    );
  }
  if (isObject(container.variables)) {
    for (const [variable, value] of Object.entries(container.variables)) {
      const field = [...at, 'variables', variable];
      if (!ENV_VAR_NAME.test(variable)) {
        problems.add(
          field,
          'is not a valid environment variable name: use letters, digits and "_", not starting with a digit',
        );
      }
      if (typeof value === 'string') {
        problems.push(...placeholderProblems(value, context, fieldPath(field)));
      }
    }
  }
  checkFiles(container.files, [...at, 'files'], name, context, problems);
  const fileTargets = new Set(
    targetEntries(container.files, [])
      .map(e => e.target)
      .filter((t): t is string => typeof t === 'string'),
  );
  checkVolumes(
    container.volumes,
    [...at, 'volumes'],
    name,
    isObject(context.resources) ? context.resources : {},
    fileTargets,
    problems,
  );
  if (isObject(container.resources)) {
    for (const bound of ['requests', 'limits'] as const) {
      const quantities = container.resources[bound];
      if (!isObject(quantities)) continue;
      for (const kind of ['cpu', 'memory'] as const) {
        checkQuantity(
          quantities[kind],
          kind,
          [...at, 'resources', bound, kind],
          problems,
        );
      }
    }
  }
  checkProbes(container, at, problems);
}

/** Stagecraft's checks of a workload the schema accepted or not. */
export function semanticProblems(spec: Record<string, unknown>): FieldError[] {
  const problems = new Problems();
  const metadata = isObject(spec.metadata) ? spec.metadata : {};
  const resources = isObject(spec.resources) ? spec.resources : {};
  const context: PlaceholderContext = { metadata, resources };

  if (typeof metadata.name === 'string') {
    const error = validateDnsLabel(metadata.name, 'metadata.name');
    if (error) problems.push(error);
  }
  checkAnnotations(metadata.annotations, ['metadata', 'annotations'], problems);
  checkScoreK8sAnnotations(metadata, problems);

  const containers = isObject(spec.containers) ? spec.containers : {};
  for (const [name, container] of Object.entries(containers)) {
    checkDnsLabelKey(name, 'container name', ['containers', name], problems);
    if (isObject(container)) checkContainer(name, container, context, problems);
  }
  const layout = podLayout(containers);
  if (Array.isArray(layout)) problems.push(...layout);

  const ports = isObject(spec.service) ? spec.service.ports : undefined;
  if (isObject(ports)) {
    for (const port of Object.keys(ports)) {
      checkDnsLabelKey(port, 'port name', ['service', 'ports', port], problems);
    }
  }
  for (const [name, resource] of Object.entries(resources)) {
    checkDnsLabelKey(name, 'resource name', ['resources', name], problems);
    if (isObject(resource) && isObject(resource.metadata)) {
      checkAnnotations(
        resource.metadata.annotations,
        ['resources', name, 'metadata', 'annotations'],
        problems,
      );
    }
  }
  return problems.errors;
}
