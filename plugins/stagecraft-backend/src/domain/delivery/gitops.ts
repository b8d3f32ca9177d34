import { stringify } from 'yaml';
import {
  GitopsStatus,
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, KubeObject, KubeObjectRef } from '../ports';
import type { GitopsSettings } from './ports';

export const FLUX_SOURCE_API = 'source.toolkit.fluxcd.io/v1';
export const FLUX_KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';

/** The folder of an environment in its repository (no leading or trailing slash). */
export function environmentPath(
  settings: GitopsSettings,
  env: Pick<EnvironmentRecord, 'cluster' | 'name'>,
): string {
  return settings.path
    .replace(/\{cluster\}/g, env.cluster)
    .replace(/\{environment\}/g, env.name)
    .replace(/^\/+|\/+$/g, '');
}

/** The folder of a component in an environment's folder. */
export function componentPath(
  settings: GitopsSettings,
  env: Pick<EnvironmentRecord, 'cluster' | 'name'>,
  component: string,
): string {
  return `${environmentPath(settings, env)}/${component}`;
}

/** What a revision's metadata carries that must not be in Git (it is the cluster's). */
function forGit(o: KubeObject): KubeObject {
  const { resourceVersion, uid, managedFields, creationTimestamp, ...meta } =
    o.metadata as KubeObject['metadata'] & Record<string, unknown>;
  void resourceVersion;
  void uid;
  void managedFields;
  void creationTimestamp;
  const { status, ...rest } = o;
  void status;
  return { ...rest, metadata: meta as KubeObject['metadata'] };
}

/**
 * The files of a component's rendered objects: one YAML file per object
 * (`<kind>-<name>.yaml`) and a `kustomization.yaml` listing them, in a
 * deterministic order so that the same objects give the same tree.
 */
export function componentFiles(
  dir: string,
  objects: KubeObject[],
): Record<string, string> {
  if (objects.some(o => o.kind === 'Secret')) {
    // secret values stay in Kubernetes Secrets Stagecraft writes; a
    // rendered Secret in Git would be a leak, so it is refused outright
    throw new Error('refusing to write a Secret to Git');
  }
  const files: Record<string, string> = {};
  const names = objects.map(
    o => `${o.kind.toLocaleLowerCase('en-US')}-${o.metadata.name}.yaml`,
  );
  objects.forEach((o, i) => {
    files[`${dir}/${names[i]}`] = stringify(forGit(o), {
      sortMapEntries: false,
    });
  });
  files[`${dir}/kustomization.yaml`] = stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...names].sort(),
  });
  return files;
}

/** The README that keeps an environment's folder in Git before anything is deployed. */
export function environmentReadme(env: EnvironmentRecord): string {
  return [
    `# ${env.name}`,
    '',
    `Environment \`${env.name}\` (type \`${env.type}\`, namespace \`${env.namespace}\` on \`${env.cluster}\`), owned by \`${env.owner}\`.`,
    '',
    'Written by Stagecraft: each folder is a component, each commit one revision. Flux applies this folder to the namespace.',
    '',
  ].join('\n');
}

/** Names of an environment's Flux objects in the settings' namespace. */
export function fluxNames(env: Pick<EnvironmentRecord, 'namespace'>) {
  const name = `stagecraft-${env.namespace}`.slice(0, 63).replace(/-+$/, '');
  return {
    source: name,
    kustomization: name,
    serviceAccount: name,
    secret: `${name}-git`.slice(0, 63),
    binding: 'stagecraft-flux-apply',
  };
}

export function fluxRefs(
  env: EnvironmentRecord,
  settings: GitopsSettings,
): { source: KubeObjectRef; kustomization: KubeObjectRef } {
  const names = fluxNames(env);
  return {
    source: {
      apiVersion: FLUX_SOURCE_API,
      kind: 'GitRepository',
      namespace: settings.namespace,
      name: names.source,
    },
    kustomization: {
      apiVersion: FLUX_KUSTOMIZE_API,
      kind: 'Kustomization',
      namespace: settings.namespace,
      name: names.kustomization,
    },
  };
}

/**
 * The Flux objects of an environment in GitOps mode: a ServiceAccount that
 * may edit only the environment's namespace (kustomize-controller applies
 * as it), the GitRepository of the configured branch (with the credentials
 * Secret, unless the platform names its own) and the Kustomization of the
 * environment's folder, pruned, with the namespace as its target.
 */
export function fluxObjects(
  env: EnvironmentRecord,
  settings: GitopsSettings,
  credentials?: { username: string; password: string },
): KubeObject[] {
  const names = fluxNames(env);
  const labels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: env.name,
  };
  const meta = (name: string, namespace = settings.namespace) => ({
    name,
    namespace,
    labels,
  });
  const secretName = settings.secretName ?? names.secret;
  return [
    // shared by every environment of the settings; Stagecraft writes only
    // into namespaces it manages, so it is labelled as one (never deleted)
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: settings.namespace,
        labels: { [LABELS.managedBy]: MANAGED_BY },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(names.serviceAccount),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(names.binding, env.namespace),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'edit',
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: names.serviceAccount,
          namespace: settings.namespace,
        },
      ],
    },
    ...(settings.secretName || !credentials
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: meta(secretName),
            type: 'Opaque',
            stringData: credentials,
          },
        ]),
    {
      apiVersion: FLUX_SOURCE_API,
      kind: 'GitRepository',
      metadata: meta(names.source),
      spec: {
        url: settings.repository,
        ref: { branch: settings.branch },
        interval: settings.interval,
        ...((settings.secretName || credentials) && {
          secretRef: { name: secretName },
        }),
      },
    },
    {
      apiVersion: FLUX_KUSTOMIZE_API,
      kind: 'Kustomization',
      metadata: meta(names.kustomization),
      spec: {
        interval: settings.interval,
        retryInterval: settings.interval,
        path: `./${environmentPath(settings, env)}`,
        prune: true,
        targetNamespace: env.namespace,
        serviceAccountName: names.serviceAccount,
        sourceRef: { kind: 'GitRepository', name: names.source },
        timeout: '2m',
      },
    },
  ];
}

/** The sha of a Flux revision such as `main@sha1:0123…` (or a bare sha). */
export function shaOf(revision: unknown): string | undefined {
  if (typeof revision !== 'string') return undefined;
  const match = /(?:sha1|sha256):([0-9a-f]+)$|^[^@]*@?([0-9a-f]{40,64})$/.exec(
    revision,
  );
  return match?.[1] ?? match?.[2];
}

function readyOf(o: KubeObject | undefined) {
  const conditions = ((o?.status as Record<string, unknown> | undefined)
    ?.conditions ?? []) as Array<{
    type: string;
    status: string;
    reason?: string;
    message?: string;
  }>;
  return conditions.find(c => c.type === 'Ready');
}

/**
 * Where a GitOps revision stands: committed (Stagecraft pushed `commit`) →
 * fetched (the GitRepository's artifact holds it) → applied (the
 * Kustomization's last applied revision holds it); `failed` when Flux says
 * it cannot apply what it fetched.
 */
export async function gitopsStage(
  commit: string,
  source: KubeObject | undefined,
  kustomization: KubeObject | undefined,
  contains: (sha: string, head: string) => Promise<boolean>,
): Promise<Omit<GitopsStatus, 'repository' | 'branch' | 'path'>> {
  const status = (o: KubeObject | undefined) =>
    (o?.status ?? {}) as Record<string, any>;
  const fetched = shaOf(status(source).artifact?.revision);
  const applied = shaOf(status(kustomization).lastAppliedRevision);
  const attempted = shaOf(status(kustomization).lastAttemptedRevision);
  const holds = async (head: string | undefined) =>
    Boolean(head) && (head === commit || (await contains(commit, head!)));
  const ready = readyOf(kustomization);
  const base = {
    commit,
    ...(fetched && { fetchedRevision: fetched }),
    ...(applied && { appliedRevision: applied }),
    ...(ready?.message && { message: ready.message }),
  };
  if (!source || !kustomization) {
    return {
      ...base,
      stage: 'committed',
      message: 'the environment has no Flux objects',
    };
  }
  if (await holds(applied)) return { ...base, stage: 'applied' };
  if (ready?.status === 'False' && (await holds(attempted))) {
    return { ...base, stage: 'failed' };
  }
  if (await holds(fetched)) return { ...base, stage: 'fetched' };
  return { ...base, stage: 'committed' };
}
