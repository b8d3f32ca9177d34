import {
  LABELS,
  MANAGED_BY,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { EnvironmentRecord, KubeObject, KubeObjectRef } from '../ports';
import type { EnvironmentTypeSpec } from './types';

/** Annotations on an environment's namespace (what the catalog needs to know). */
export const NAMESPACE_ANNOTATIONS = {
  owner: 'stagecraft.io/owner',
  type: 'stagecraft.io/type',
  system: 'stagecraft.io/system',
  promotesTo: 'stagecraft.io/promotes-to',
  expiresAt: 'stagecraft.io/expires-at',
  /** The template run that created it (its origin), as on the catalog entity. */
  scaffolderTask: 'stagecraft.io/scaffolder-task',
  template: 'stagecraft.io/template',
} as const;

/** Names of the objects inside an environment's namespace. */
export const OBJECT_NAMES = {
  quota: 'stagecraft-quota',
  limits: 'stagecraft-limits',
  denyAll: 'stagecraft-default-deny',
  sameNamespace: 'stagecraft-allow-same-namespace',
  dns: 'stagecraft-allow-dns',
  ownerBinding: 'stagecraft-owner-edit',
} as const;

/** A Kubernetes RBAC subject of the owner's RoleBinding. */
export interface OwnerSubject {
  kind: 'Group' | 'User';
  name: string;
}

/** Maps an owner ref to the subject the cluster's authentication knows it by. */
export type OwnerSubjectMapper = (owner: string) => OwnerSubject;

/**
 * `stagecraft.ownerSubjects`: an explicit table of owner refs, else a
 * template per kind with {name}, {namespace} and {ref} (e.g. `oidc:{name}`
 * when the API server's OIDC groups claim carries the group name with an
 * `oidc:` prefix); without either, the default mapping (`ownerSubject`).
 */
export function ownerSubjectMapper(options: {
  group?: string;
  user?: string;
  map?: Record<string, OwnerSubject>;
}): OwnerSubjectMapper {
  const table = new Map(
    Object.entries(options.map ?? {}).map(([k, v]) => [
      k.toLocaleLowerCase('en-US'),
      v,
    ]),
  );
  return owner => {
    const listed = table.get(owner.toLocaleLowerCase('en-US'));
    if (listed) return listed;
    const subject = ownerSubject(owner);
    const template = subject.kind === 'User' ? options.user : options.group;
    if (!template) return subject;
    const match = /^(?:[a-z]+:)?(?:([^/]+)\/)?(.+)$/i.exec(owner)!;
    return {
      kind: subject.kind,
      name: template
        .replace(/\{name\}/g, match[2])
        .replace(/\{namespace\}/g, match[1] ?? 'default')
        .replace(/\{ref\}/g, owner),
    };
  };
}

/** The default RBAC subject for a Backstage owner ref (group or user). */
export function ownerSubject(owner: string): OwnerSubject {
  const match = /^(?:([a-z]+):)?(?:([^/]+)\/)?(.+)$/i.exec(owner)!;
  const kind = (match[1] ?? 'group').toLocaleLowerCase('en-US');
  const namespace = match[2] ?? 'default';
  const name = namespace === 'default' ? match[3] : `${namespace}/${match[3]}`;
  return { kind: kind === 'user' ? 'User' : 'Group', name };
}

function labelsOf(env: EnvironmentRecord): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: env.name,
    [LABELS.tier]: env.tier,
  };
}

/**
 * Everything an environment is made of, in apply order: the namespace (with
 * Pod Security labels), ResourceQuota, LimitRange, network policies
 * (default-deny plus same-namespace and DNS) and the owner's RoleBinding to
 * the `edit` ClusterRole. Pure and deterministic: the same inputs give the
 * same objects, so re-applying them changes nothing.
 */
export function renderEnvironmentObjects(
  env: EnvironmentRecord,
  type: EnvironmentTypeSpec,
  subjectOf: OwnerSubjectMapper = ownerSubject,
): KubeObject[] {
  const labels = labelsOf(env);
  const ns = env.namespace;
  const meta = (name: string) => ({ name, namespace: ns, labels });
  const annotations: Record<string, string> = {
    [NAMESPACE_ANNOTATIONS.owner]: env.owner,
    [NAMESPACE_ANNOTATIONS.type]: env.type,
    ...(env.system && { [NAMESPACE_ANNOTATIONS.system]: env.system }),
    ...(env.promotesTo && {
      [NAMESPACE_ANNOTATIONS.promotesTo]: env.promotesTo,
    }),
    ...(env.expiresAt && { [NAMESPACE_ANNOTATIONS.expiresAt]: env.expiresAt }),
    ...(env.origin && {
      [NAMESPACE_ANNOTATIONS.scaffolderTask]: env.origin.taskId,
      ...(env.origin.template && {
        [NAMESPACE_ANNOTATIONS.template]: env.origin.template,
      }),
    }),
  };
  const { level, version } = type.podSecurity;
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/warn': level,
          'pod-security.kubernetes.io/warn-version': version,
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/audit-version': version,
        },
        annotations,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta(OBJECT_NAMES.quota),
      spec: {
        hard: {
          'requests.cpu': env.quota.cpu,
          'limits.cpu': env.quota.cpu,
          'requests.memory': env.quota.memory,
          'limits.memory': env.quota.memory,
          pods: String(env.quota.pods),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta(OBJECT_NAMES.limits),
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: type.limits.defaultRequest,
            default: type.limits.default,
          },
        ],
      },
    },
  ];
  if (type.networkPolicy === 'default-deny') {
    objects.push(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(OBJECT_NAMES.denyAll),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(OBJECT_NAMES.sameNamespace),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(OBJECT_NAMES.dns),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: {
                    matchLabels: {
                      'kubernetes.io/metadata.name': 'kube-system',
                    },
                  },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
        },
      },
    );
  }
  const subject = subjectOf(env.owner);
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(OBJECT_NAMES.ownerBinding),
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'edit',
    },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
  });
  return objects;
}

/** The reference of an object (for reads and deletes). */
export function refOf(o: KubeObject): KubeObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace && { namespace: o.metadata.namespace }),
  };
}

/** True when Stagecraft manages the object (it never adopts anything else). */
export function isManagedByStagecraft(o: KubeObject | undefined): boolean {
  return o?.metadata.labels?.[LABELS.managedBy] === MANAGED_BY;
}
