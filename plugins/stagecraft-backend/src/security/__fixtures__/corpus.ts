/**
 * The hostile-input corpus of the security suite: every case is a request a
 * caller may send (through any door: the UI, a scaffolder action, curl) that
 * must be refused with a 4xx whose message names the field, and must change
 * nothing in the cluster or the database. Kept as data so new cases are one
 * line; generated rows cross hostile names with every field that carries a
 * name toward the cluster.
 */

import { DEFAULT_RESERVED_NAMESPACES } from '../../domain/environments/reservedNamespaces';
import { podSecurityCases } from './podSecurityCorpus';

/** One hostile request. */
export interface HostileCase {
  id: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** JSON body (objects, arrays, primitives). */
  body?: unknown;
  /** A body sent as-is with Content-Type: application/json. */
  raw?: string;
  /** Acceptable statuses (all 4xx). */
  status: number[];
  /** A word the error message must contain (the field it names). */
  names?: string;
}

/** The environment and component the suite creates before the corpus runs. */
export const TARGET = {
  environment: 'sec-dev',
  component: 'component:default/sec-svc',
};
const C = encodeURIComponent(TARGET.component);
const E = TARGET.environment;

/** Values that must never become a Kubernetes name. */
export const HOSTILE_NAMES: unknown[] = [
  '',
  'UPPER',
  'under_score',
  'dot.ted',
  'space d',
  '-leading',
  'trailing-',
  'a'.repeat(64),
  'kube-system',
  'default',
  'kube-anything',
  '../../etc/passwd',
  'a/b',
  'semi;colon',
  '$(id)',
  '${jndi:ldap://127.0.0.1/x}',
  'nul\u0000byte',
  'emoji-\u{1F4A5}',
  '<script>alert(1)</script>',
  42,
  null,
  { $ne: '' },
  ['payments-dev'],
];

const show = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

/** A route body with one field replaced by each hostile name. */
function nameField(
  prefix: string,
  method: HostileCase['method'],
  path: string,
  base: Record<string, unknown>,
  field: string,
  /** Where the field names an existing environment, a valid but reserved name is simply not found. */
  reference = false,
): HostileCase[] {
  return HOSTILE_NAMES.map(value => {
    const reserved =
      reference &&
      typeof value === 'string' &&
      /^(default|kube-.*)$/.test(value);
    return {
      id: `${prefix} ${field}=${show(value)}`,
      method,
      path,
      body: { ...base, [field]: value },
      status: reserved ? [404] : [400],
      names: reserved ? (value as string) : field,
    };
  });
}

/** The hostile name in a path segment: 400 when it reaches us, 404 when the router cannot match it. */
function namePath(
  prefix: string,
  method: HostileCase['method'],
  path: (name: string) => string,
  body?: unknown,
): HostileCase[] {
  return HOSTILE_NAMES.filter(v => typeof v === 'string' && v !== '').map(
    value => ({
      id: `${prefix} path=${show(value)}`,
      method,
      path: path(encodeURIComponent(value as string)),
      ...(body !== undefined && { body }),
      status: [400, 404],
    }),
  );
}

const env = {
  name: 'sec-new',
  type: 'development',
  owner: 'group:default/sec',
};
const manifest = (doc: string) => ({ manifests: doc });
const cm = (meta: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x${meta} }\ndata: { a: b }`;

/** Hand-written cases: one idea each. */
const HANDWRITTEN: HostileCase[] = [
  // environments
  {
    id: 'create: body is an array',
    method: 'post',
    path: '/environments',
    body: [env],
    status: [400],
    names: 'body',
  },
  {
    id: 'create: body is a string',
    method: 'post',
    path: '/environments',
    raw: '"x"',
    status: [400],
  },
  {
    id: 'create: malformed JSON',
    method: 'post',
    path: '/environments',
    raw: '{"name": "x",',
    status: [400],
  },
  {
    id: 'create: 100 KB body',
    method: 'post',
    path: '/environments',
    body: { ...env, pad: 'x'.repeat(100 * 1024) },
    status: [413],
  },
  {
    id: 'create: __proto__ smuggled',
    method: 'post',
    path: '/environments',
    raw: JSON.stringify(env).replace('{', '{"__proto__":{"admin":true},'),
    status: [400],
    names: '__proto__',
  },
  {
    id: 'create: constructor smuggled',
    method: 'post',
    path: '/environments',
    body: { ...env, constructor: { prototype: { x: 1 } } },
    status: [400],
    names: 'constructor',
  },
  {
    id: 'create: unknown type',
    method: 'post',
    path: '/environments',
    body: { ...env, type: 'god-mode' },
    status: [400],
    names: 'type',
  },
  {
    id: 'create: cluster URL instead of a name',
    method: 'post',
    path: '/environments',
    body: { ...env, cluster: 'https://evil.example:6443' },
    status: [400],
    names: 'cluster',
  },
  {
    id: 'create: unconfigured cluster',
    method: 'post',
    path: '/environments',
    body: { ...env, cluster: 'prod-eu' },
    status: [400],
    names: 'cluster',
  },
  {
    id: 'create: owner path traversal',
    method: 'post',
    path: '/environments',
    body: { ...env, owner: 'group:default/../../admins' },
    status: [400],
    names: 'owner',
  },
  {
    id: 'create: owner of another kind',
    method: 'post',
    path: '/environments',
    body: { ...env, owner: 'component:default/x' },
    status: [400],
    names: 'owner',
  },
  {
    id: 'create: owner missing',
    method: 'post',
    path: '/environments',
    body: { name: 'sec-new', type: 'development' },
    status: [400],
    names: 'owner',
  },
  {
    id: 'create: promotesTo a group',
    method: 'post',
    path: '/environments',
    body: { ...env, promotesTo: 'group:default/x' },
    status: [400],
    names: 'promotesTo',
  },
  {
    id: 'create: negative ttl',
    method: 'post',
    path: '/environments',
    body: { ...env, ttl: '-1h' },
    status: [400],
    names: 'ttl',
  },
  {
    id: 'create: ttl of ten years',
    method: 'post',
    path: '/environments',
    body: { ...env, ttl: '3650d' },
    status: [400],
    names: 'ttl',
  },
  {
    id: 'create: ttl with a command',
    method: 'post',
    path: '/environments',
    body: { ...env, ttl: '1h; rm -rf /' },
    status: [400],
    names: 'ttl',
  },
  {
    id: 'create: quota cpu injection',
    method: 'post',
    path: '/environments',
    body: { ...env, quota: { cpu: '1\nkind: ClusterRole' } },
    status: [400],
    names: 'quota.cpu',
  },
  {
    id: 'create: quota memory unit',
    method: 'post',
    path: '/environments',
    body: { ...env, quota: { memory: '1Zi' } },
    status: [400],
    names: 'quota.memory',
  },
  {
    id: 'create: quota pods negative',
    method: 'post',
    path: '/environments',
    body: { ...env, quota: { pods: -5 } },
    status: [400],
    names: 'quota.pods',
  },
  {
    id: 'create: quota pods huge',
    method: 'post',
    path: '/environments',
    body: { ...env, quota: { pods: 1e12 } },
    status: [400],
    names: 'quota.pods',
  },
  {
    id: 'create: quota unknown key',
    method: 'post',
    path: '/environments',
    body: { ...env, quota: { gpus: '8' } },
    status: [400],
    names: 'quota.gpus',
  },
  {
    id: 'create: dryRun not boolean',
    method: 'post',
    path: '/environments',
    body: { ...env, dryRun: 'yes' },
    status: [400],
    names: 'dryRun',
  },
  {
    id: 'create: origin with traversal',
    method: 'post',
    path: '/environments',
    body: { ...env, origin: { taskId: '../../x' } },
    status: [400],
    names: 'origin',
  },
  {
    id: 'create: origin with extra keys',
    method: 'post',
    path: '/environments',
    body: { ...env, origin: { taskId: 't', admin: true } },
    status: [400],
    names: 'origin',
  },
  {
    id: 'create: the existing namespace of another environment',
    method: 'post',
    path: '/environments',
    body: { ...env, namespace: E },
    status: [409],
  },
  {
    id: 'update: owner injection',
    method: 'patch',
    path: `/environments/${E}`,
    body: { owner: 'group:default/x\nkind: y' },
    status: [400],
    names: 'owner',
  },
  {
    id: 'update: unknown field',
    method: 'patch',
    path: `/environments/${E}`,
    body: { tier: 'production' },
    status: [400],
    names: 'tier',
  },
  {
    id: 'update: namespace cannot move',
    method: 'patch',
    path: `/environments/${E}`,
    body: { namespace: 'kube-system' },
    status: [400],
    names: 'namespace',
  },
  {
    id: 'extend: ttl missing',
    method: 'post',
    path: `/environments/${E}/extend`,
    body: {},
    status: [400],
    names: 'ttl',
  },
  {
    id: 'extend: ttl zero',
    method: 'post',
    path: `/environments/${E}/extend`,
    body: { ttl: '0s' },
    status: [400],
    names: 'ttl',
  },
  {
    id: 'extend: ttl a number',
    method: 'post',
    path: `/environments/${E}/extend`,
    body: { ttl: 3600 },
    status: [400],
    names: 'ttl',
  },
  {
    id: 'extend: unknown environment',
    method: 'post',
    path: '/environments/sec-nope/extend',
    body: { ttl: '1h' },
    status: [404],
  },
  {
    id: 'delete: unknown environment',
    method: 'delete',
    path: '/environments/sec-nope',
    body: {},
    status: [404],
  },
  // guarded apply
  {
    id: 'apply: ClusterRoleBinding',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: x }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }',
    ),
    status: [400],
    names: 'ClusterRoleBinding',
  },
  {
    id: 'apply: ClusterRole',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'ClusterRole',
  },
  {
    id: 'apply: Role',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'Role',
  },
  {
    id: 'apply: RoleBinding',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'RoleBinding',
  },
  {
    id: 'apply: Namespace',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest('apiVersion: v1\nkind: Namespace\nmetadata: { name: evil }'),
    status: [400],
    names: 'Namespace',
  },
  {
    id: 'apply: ServiceAccount',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'ServiceAccount',
  },
  {
    id: 'apply: ResourceQuota (lift the quota)',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: stagecraft-quota }\nspec: { hard: { pods: "100000" } }',
    ),
    status: [400],
    names: 'ResourceQuota',
  },
  {
    id: 'apply: NetworkPolicy (open the namespace)',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: allow-all }',
    ),
    status: [400],
    names: 'NetworkPolicy',
  },
  {
    id: 'apply: webhook',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'MutatingWebhookConfiguration',
  },
  {
    id: 'apply: CRD',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: x.example.org }',
    ),
    status: [400],
    names: 'CustomResourceDefinition',
  },
  {
    id: 'apply: Secret (not allow-listed)',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest('apiVersion: v1\nkind: Secret\nmetadata: { name: x }'),
    status: [400],
    names: 'allowedKinds',
  },
  {
    id: 'apply: ReplicationController (not allow-listed)',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ReplicationController\nmetadata: { name: x }\nspec: { template: { spec: { hostNetwork: true, containers: [{ name: c, image: busybox }] } } }',
    ),
    status: [400],
    names: 'allowedKinds',
  },
  {
    id: 'apply: another namespace',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(cm(', namespace: kube-system')),
    status: [400],
    names: 'namespace',
  },
  {
    id: 'apply: smuggled second document',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      `${cm(
        '',
      )}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: y }`,
    ),
    status: [400],
    names: 'manifests[1]',
  },
  {
    id: 'apply: smuggled in an array',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: {
      manifests: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'evil' } },
      ],
    },
    status: [400],
    names: 'manifests[1]',
  },
  {
    id: 'apply: List wrapper',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: List\nitems: [{ apiVersion: v1, kind: Namespace, metadata: { name: evil } }]',
    ),
    status: [400],
    names: 'List',
  },
  {
    id: 'apply: alias bomb',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      `a: &a [x,x,x,x,x,x,x,x]\n${Array.from(
        { length: 40 },
        (_, i) => `k${i}: [*a,*a,*a,*a]`,
      ).join('\n')}`,
    ),
    status: [400],
    names: 'manifests[0]',
  },
  {
    id: 'apply: deep nesting',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'deep' },
          data: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`),
        },
      ],
    },
    status: [400],
    names: 'nested',
  },
  {
    id: 'apply: 60 KB of YAML',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(`# ${'x'.repeat(60 * 1024)}\n${cm('')}`),
    status: [400, 413],
    names: 'manifests',
  },
  {
    id: 'apply: 51 documents',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      Array.from({ length: 51 }, (_, i) => cm(`${i}`)).join('\n---\n'),
    ),
    status: [400],
    names: 'manifests',
  },
  {
    id: 'apply: duplicate keys',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ConfigMap\nkind: Namespace\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'manifests[0]',
  },
  {
    id: 'apply: custom YAML tag',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: !!js/function "x" }',
    ),
    status: [400],
    names: 'manifests[0]',
  },
  {
    id: 'apply: label kubernetes.io/',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      cm(', labels: { "kubernetes.io/metadata.name": kube-system }'),
    ),
    status: [400],
    names: 'reserved prefix',
  },
  {
    id: 'apply: label pod-security',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      cm(', labels: { "pod-security.kubernetes.io/enforce": privileged }'),
    ),
    status: [400],
    names: 'reserved prefix',
  },
  {
    id: 'apply: annotation stagecraft.io/',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      cm(', annotations: { "stagecraft.io/applied-by": "user:default/admin" }'),
    ),
    status: [400],
    names: 'reserved prefix',
  },
  {
    id: 'apply: managed-by label',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      cm(', labels: { "app.kubernetes.io/managed-by": stagecraft }'),
    ),
    status: [400],
    names: 'reserved prefix',
  },
  {
    id: 'apply: label value too long',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(cm(`, labels: { team: ${'a'.repeat(64)} }`)),
    status: [400],
    names: 'labels',
  },
  {
    id: 'apply: ownerReferences',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      cm(
        ', ownerReferences: [{ apiVersion: v1, kind: Namespace, name: kube-system, uid: x }]',
      ),
    ),
    status: [400],
    names: 'ownerReferences',
  },
  {
    id: 'apply: finalizers',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(cm(', finalizers: [never/ending]')),
    status: [400],
    names: 'finalizers',
  },
  {
    id: 'apply: generateName',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x', generateName: 'x-' },
        },
      ],
    },
    status: [400],
    names: 'generateName',
  },
  {
    id: 'apply: name with a slash',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: "../secrets" }',
    ),
    status: [400],
    names: 'metadata.name',
  },
  {
    id: 'apply: kind with a slash',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: v1\nkind: "ConfigMap/../Secret"\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'kind',
  },
  {
    id: 'apply: unknown apiVersion',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(
      'apiVersion: evil.example.org/v1\nkind: ConfigMap\nmetadata: { name: x }',
    ),
    status: [400],
    names: 'allowedKinds',
  },
  {
    id: 'apply: not YAML text or array',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: { manifests: { kind: 'ConfigMap' } },
    status: [400],
    names: 'manifests',
  },
  {
    id: 'apply: empty',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: manifest(''),
    status: [400],
    names: 'manifests',
  },
  {
    id: 'apply: unknown environment',
    method: 'post',
    path: '/environments/sec-nope/apply',
    body: manifest(cm('')),
    status: [404],
  },
  {
    id: 'apply: unknown field',
    method: 'post',
    path: `/environments/${E}/apply`,
    body: { ...manifest(cm('')), force: true },
    status: [400],
    names: 'force',
  },
  // deployments
  {
    id: 'deploy: image with a space',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, image: 'nginx; rm -rf /' },
    status: [400],
    names: 'image',
  },
  {
    id: 'deploy: image with a NUL',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, image: 'nginx\u0000:1' },
    status: [400],
    names: 'image',
  },
  {
    id: 'deploy: image with a newline',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, image: 'nginx\nkind: Pod' },
    status: [400],
    names: 'image',
  },
  {
    id: 'deploy: image of 600 chars',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, image: 'a'.repeat(600) },
    status: [400],
    names: 'image',
  },
  {
    id: 'deploy: replicas negative',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, replicas: -1 },
    status: [400],
    names: 'replicas',
  },
  {
    id: 'deploy: replicas a million',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, replicas: 1e6 },
    status: [400],
    names: 'replicas',
  },
  {
    id: 'deploy: replicas a string',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, replicas: '3' },
    status: [400],
    names: 'replicas',
  },
  {
    id: 'deploy: workload an array',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, workload: [] },
    status: [400],
    names: 'workload',
  },
  {
    id: 'deploy: workload privileged',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'sec-svc' },
        containers: {
          main: { image: 'nginx', securityContext: { privileged: true } },
        },
      },
    },
    status: [400],
    names: 'securityContext',
  },
  {
    id: 'deploy: workload hostPath-like volume',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'sec-svc' },
        containers: {
          main: {
            image: 'nginx',
            volumes: [{ source: '/etc', target: '/host' }],
          },
        },
      },
    },
    status: [400],
    names: 'volumes',
  },
  {
    id: 'deploy: workload wrong apiVersion',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
      },
    },
    status: [400],
    names: 'apiVersion',
  },
  {
    id: 'deploy: workload bad name',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'Bad_Name' },
        containers: { main: { image: 'nginx' } },
      },
    },
    status: [400],
    names: 'metadata.name',
  },
  {
    id: 'deploy: workload variable name injection',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'sec-svc' },
        containers: { main: { image: 'nginx', variables: { 'A=B; x': '1' } } },
      },
    },
    status: [400],
    names: 'variables',
  },
  {
    id: 'deploy: workload unknown placeholder',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'sec-svc' },
        containers: {
          main: { image: 'nginx', variables: { A: '${env.HOME}' } },
        },
      },
    },
    status: [400],
    names: 'placeholder',
  },
  {
    id: 'deploy: workload unknown resource type',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: {
      environment: E,
      workload: {
        apiVersion: 'score.dev/v1b1',
        metadata: { name: 'sec-svc' },
        containers: { main: { image: 'nginx' } },
        resources: { db: { type: 'mainframe' } },
      },
    },
    status: [400, 404],
    names: '',
  },
  {
    id: 'deploy: dryRun a string',
    method: 'post',
    path: `/components/${C}/deploy`,
    body: { environment: E, dryRun: 'true' },
    status: [400],
    names: 'dryRun',
  },
  {
    id: 'deploy: component ref traversal',
    method: 'post',
    path: `/components/${encodeURIComponent(
      'component:default/../../x',
    )}/deploy`,
    body: { environment: E },
    status: [400, 404],
  },
  {
    id: 'deploy: component ref of a group',
    method: 'post',
    path: `/components/${encodeURIComponent('group:default/payments')}/deploy`,
    body: { environment: E },
    status: [400, 404],
  },
  {
    id: 'deploy: component ref empty',
    method: 'post',
    path: `/components/${encodeURIComponent(' ')}/deploy`,
    body: { environment: E },
    status: [400, 404],
  },
  {
    id: 'promote: to missing',
    method: 'post',
    path: `/components/${C}/promote`,
    body: { from: E, to: 'Bad Name' },
    status: [400],
    names: 'to',
  },
  {
    id: 'promote: from missing',
    method: 'post',
    path: `/components/${C}/promote`,
    body: {},
    status: [400],
    names: 'from',
  },
  {
    id: 'promote: down the pipeline',
    method: 'post',
    path: `/components/${C}/promote`,
    body: { from: E, to: E },
    status: [400, 404],
  },
  {
    id: 'rollback: revision zero',
    method: 'post',
    path: `/components/${C}/rollback`,
    body: { environment: E, revision: 0 },
    status: [400],
    names: 'revision',
  },
  {
    id: 'rollback: revision a string',
    method: 'post',
    path: `/components/${C}/rollback`,
    body: { environment: E, revision: '1; drop table' },
    status: [400],
    names: 'revision',
  },
  {
    id: 'rollback: releaseId injection',
    method: 'post',
    path: `/components/${C}/rollback`,
    body: { environment: E, releaseId: "r-1' OR '1'='1" },
    status: [400],
    names: 'releaseId',
  },
  {
    id: 'history: environment injection',
    method: 'get',
    path: `/components/${C}/history?environment=${encodeURIComponent(
      "x' OR 1=1 --",
    )}`,
    status: [400],
    names: 'environment',
  },
  {
    id: 'drift: environment missing',
    method: 'get',
    path: `/components/${C}/drift`,
    status: [400],
    names: 'environment',
  },
  // configuration and secrets
  {
    id: 'config: key with a dash',
    method: 'put',
    path: '/config',
    body: { environment: E, values: { 'A-B': '1' } },
    status: [400],
    names: 'A-B',
  },
  {
    id: 'config: key starting with a digit',
    method: 'put',
    path: '/config',
    body: { environment: E, values: { '1A': '1' } },
    status: [400],
    names: '1A',
  },
  {
    id: 'config: key with =',
    method: 'put',
    path: '/config',
    body: { environment: E, values: { 'PATH=/tmp:$PATH': '1' } },
    status: [400],
    names: 'PATH',
  },
  {
    id: 'config: key __proto__',
    method: 'put',
    path: '/config',
    raw: `{"environment":"${E}","values":{"__proto__":{"polluted":1}}}`,
    status: [400],
    names: '__proto__',
  },
  {
    id: 'config: values an array',
    method: 'put',
    path: '/config',
    body: { environment: E, values: ['A'] },
    status: [400],
    names: 'values',
  },
  {
    id: 'config: unknown field',
    method: 'put',
    path: '/config',
    body: { environment: E, values: { A: '1' }, namespace: 'kube-system' },
    status: [400],
    names: 'namespace',
  },
  {
    id: 'config: message of 10 KB',
    method: 'put',
    path: '/config',
    body: { environment: E, values: { A: '1' }, message: 'x'.repeat(10_000) },
    status: [400],
    names: 'message',
  },
  {
    id: 'config rollback: version zero',
    method: 'post',
    path: '/config/rollback',
    body: { environment: E, version: 0 },
    status: [400],
    names: 'version',
  },
  {
    id: 'config rollback: version missing',
    method: 'post',
    path: '/config/rollback',
    body: { environment: E, version: 99 },
    status: [404],
  },
  {
    id: 'config read: environment injection',
    method: 'get',
    path: `/config?environment=${encodeURIComponent('../../x')}`,
    status: [400],
    names: 'environment',
  },
  {
    id: 'secrets: key with a dot',
    method: 'put',
    path: '/secrets',
    body: {
      environment: E,
      component: TARGET.component,
      key: 'a.b',
      value: 'v',
    },
    status: [400],
    names: 'key',
  },
  {
    id: 'secrets: key empty',
    method: 'put',
    path: '/secrets',
    body: { environment: E, component: TARGET.component, key: '', value: 'v' },
    status: [400],
    names: 'key',
  },
  {
    id: 'secrets: value not a string',
    method: 'put',
    path: '/secrets',
    body: {
      environment: E,
      component: TARGET.component,
      key: 'K',
      value: { $gt: '' },
    },
    status: [400],
    names: 'value',
  },
  {
    id: 'secrets: value of 1 MB',
    method: 'put',
    path: '/secrets',
    body: {
      environment: E,
      component: TARGET.component,
      key: 'K',
      value: 'x'.repeat(1024 * 1024),
    },
    status: [413],
  },
  {
    id: 'secrets: component missing',
    method: 'put',
    path: '/secrets',
    body: { environment: E, key: 'K', value: 'v' },
    status: [400],
    names: 'component',
  },
  {
    id: 'secrets: component traversal',
    method: 'put',
    path: '/secrets',
    body: {
      environment: E,
      component: 'component:default/../../kube-system',
      key: 'K',
      value: 'v',
    },
    status: [400],
    names: 'component',
  },
  {
    id: 'secrets delete: key injection',
    method: 'delete',
    path: '/secrets',
    body: { environment: E, component: TARGET.component, key: 'K; rm' },
    status: [400],
    names: 'key',
  },
  // local sources
  {
    id: 'sources: file path traversal',
    method: 'put',
    path: '/sources/sec-repo',
    body: { files: { '../../etc/cron.d/x': 'x' } },
    status: [400],
    names: 'file path',
  },
  {
    id: 'sources: absolute file path',
    method: 'put',
    path: '/sources/sec-repo',
    body: { files: { '/etc/passwd': 'x' } },
    status: [400],
    names: 'file path',
  },
  {
    id: 'sources: dot segment',
    method: 'put',
    path: '/sources/sec-repo',
    body: { files: { 'a/./b': 'x' } },
    status: [400],
    names: 'file path',
  },
  {
    id: 'sources: backslash traversal',
    method: 'put',
    path: '/sources/sec-repo',
    body: { files: { '..\\..\\x': 'x' } },
    status: [400],
    names: 'file path',
  },
  {
    id: 'sources: 51 files',
    method: 'put',
    path: '/sources/sec-repo',
    body: {
      files: Object.fromEntries(
        Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']),
      ),
    },
    status: [400],
    names: 'files',
  },
  {
    id: 'sources: bad repo name',
    method: 'put',
    path: '/sources/Bad_Repo',
    body: { files: { a: 'x' } },
    status: [400],
    names: 'repo',
  },
  {
    id: 'sources: read traversal',
    method: 'get',
    path: '/sources/sec-repo/..%2F..%2Fetc%2Fpasswd',
    status: [404],
  },
];

/**
 * Namespaces of Kubernetes, distributions, Stagecraft and platform
 * controllers (each default rule, a prefix with an example name), as a new
 * environment's name, namespace, or clone target: 400 naming the field.
 */
function reservedNamespaces(): HostileCase[] {
  const names = DEFAULT_RESERVED_NAMESPACES.map(r =>
    r.pattern.endsWith('*') ? `${r.pattern.slice(0, -1)}sec` : r.pattern,
  ).filter(n => n !== 'default' && !n.startsWith('kube-'));
  return names.flatMap((n): HostileCase[] => [
    {
      id: `create: reserved name ${n}`,
      method: 'post',
      path: '/environments',
      body: { ...env, name: n },
      status: [400],
      names: 'name',
    },
    {
      id: `create: reserved namespace ${n}`,
      method: 'post',
      path: '/environments',
      body: { ...env, namespace: n },
      status: [400],
      names: 'namespace',
    },
    {
      id: `clone: reserved name ${n}`,
      method: 'post',
      path: `/environments/${E}/clone`,
      body: { name: n },
      status: [400],
      names: 'name',
    },
  ]);
}

/**
 * Services that expose traffic in ways a namespace owner must not choose
 * (the environment type allows none): external IPs (CVE-2020-8554), load
 * balancers, node ports, external names. 400 naming the field.
 */
function exposingServices(): HostileCase[] {
  const specs: Array<[string, string]> = [
    ['externalIPs: [203.0.113.7]', 'spec.externalIPs'],
    ['externalIPs: [10.0.0.1, 10.0.0.2]', 'spec.externalIPs'],
    ['type: ClusterIP, externalIPs: [8.8.8.8]', 'spec.externalIPs'],
    ['type: LoadBalancer', 'spec.type'],
    ['type: LoadBalancer, loadBalancerSourceRanges: [0.0.0.0/0]', 'spec.type'],
    ['type: NodePort', 'spec.type'],
    ['type: ExternalName, externalName: metadata.google.internal', 'spec.type'],
    ['loadBalancerSourceRanges: [0.0.0.0/0]', 'spec.loadBalancerSourceRanges'],
    ['externalName: kubernetes.default', 'spec.externalName'],
  ];
  return specs.flatMap(([spec, field]): HostileCase[] =>
    [80, 443].map(port => ({
      id: `apply: Service ${spec} (port ${port})`,
      method: 'post',
      path: `/environments/${E}/apply`,
      body: manifest(
        `apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec: { ports: [{ port: ${port}${
          spec.startsWith('type: NodePort') ? ', nodePort: 30080' : ''
        } }], ${spec} }`,
      ),
      status: [400],
      names: `manifests[0].${field}`,
    })),
  );
}

/** The whole corpus. */
export const CORPUS: HostileCase[] = [
  ...HANDWRITTEN,
  ...reservedNamespaces(),
  ...exposingServices(),
  ...podSecurityCases(E),
  ...nameField('create', 'post', '/environments', env, 'name'),
  ...nameField('create', 'post', '/environments', env, 'namespace'),
  ...nameField(
    'deploy',
    'post',
    `/components/${C}/deploy`,
    {},
    'environment',
    true,
  ),
  ...nameField(
    'config',
    'put',
    '/config',
    { values: { A: '1' } },
    'environment',
    true,
  ),
  ...nameField(
    'secrets',
    'put',
    '/secrets',
    { component: TARGET.component, key: 'K', value: 'v' },
    'environment',
    true,
  ),
  ...namePath(
    'apply',
    'post',
    n => `/environments/${n}/apply`,
    manifest(cm('')),
  ),
  ...namePath('delete', 'delete', n => `/environments/${n}`, {}),
];
