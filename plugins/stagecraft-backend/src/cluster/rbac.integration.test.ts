// What Stagecraft's own cluster identity may do, asked of the real API server
// (SubjectAccessReview and SelfSubjectRulesReview: `kubectl auth can-i` and
// `kubectl auth can-i --list`), plus the admission policy that keeps its
// writes inside the namespaces it manages.
import {
  AuthorizationV1Api,
  CoreV1Api,
  V1ResourceAttributes,
} from '@kubernetes/client-node';
import { eventually, kubeconfig } from '../__testUtils__/integration';

jest.setTimeout(60_000);

const admin = kubeconfig('admin').makeApiClient(AuthorizationV1Api);
const stagecraft = kubeconfig('stagecraft');

async function canStagecraft(attrs: V1ResourceAttributes): Promise<boolean> {
  const review = await admin.createSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'stagecraft', resourceAttributes: attrs },
    },
  });
  return review.status?.allowed === true;
}

describe("Stagecraft's cluster identity (least privilege)", () => {
  it.each<[string, V1ResourceAttributes, boolean]>([
    [
      'escalate any ClusterRole',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        verb: 'escalate',
      },
      false,
    ],
    [
      'escalate a Role',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'roles',
        verb: 'escalate',
        namespace: 'payments-dev',
      },
      false,
    ],
    [
      'bind cluster-admin',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        verb: 'bind',
        name: 'cluster-admin',
      },
      false,
    ],
    [
      'bind admin',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        verb: 'bind',
        name: 'admin',
      },
      false,
    ],
    [
      'bind edit (what it hands to owners)',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        verb: 'bind',
        name: 'edit',
      },
      true,
    ],
    [
      'create ClusterRoleBindings',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterrolebindings',
        verb: 'create',
      },
      false,
    ],
    [
      'create ClusterRoles',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        verb: 'create',
      },
      false,
    ],
    [
      'create Roles',
      {
        group: 'rbac.authorization.k8s.io',
        resource: 'roles',
        verb: 'create',
        namespace: 'payments-dev',
      },
      false,
    ],
    ['read Secrets cluster-wide', { resource: 'secrets', verb: 'list' }, false],
    [
      'read a Secret in kube-system',
      { resource: 'secrets', verb: 'get', namespace: 'kube-system' },
      false,
    ],
    [
      'read a Secret in its own environments',
      { resource: 'secrets', verb: 'get', namespace: 'payments-dev' },
      false,
    ],
    ['watch Secrets', { resource: 'secrets', verb: 'watch' }, false],
    ['impersonate users', { resource: 'users', verb: 'impersonate' }, false],
    [
      'create pods/exec',
      {
        resource: 'pods',
        subresource: 'exec',
        verb: 'create',
        namespace: 'payments-dev',
      },
      false,
    ],
    [
      'create CRDs',
      {
        group: 'apiextensions.k8s.io',
        resource: 'customresourcedefinitions',
        verb: 'create',
      },
      false,
    ],
    [
      'change admission webhooks',
      {
        group: 'admissionregistration.k8s.io',
        resource: 'validatingwebhookconfigurations',
        verb: 'create',
      },
      false,
    ],
    [
      'change its own admission policy',
      {
        group: 'admissionregistration.k8s.io',
        resource: 'validatingadmissionpolicies',
        verb: 'delete',
      },
      false,
    ],
    ['create nodes', { resource: 'nodes', verb: 'create' }, false],
    [
      'approve CSRs',
      {
        group: 'certificates.k8s.io',
        resource: 'certificatesigningrequests',
        subresource: 'approval',
        verb: 'update',
      },
      false,
    ],
    [
      'create namespaces (environments)',
      { resource: 'namespaces', verb: 'create' },
      true,
    ],
    [
      'apply Deployments (workloads)',
      {
        group: 'apps',
        resource: 'deployments',
        verb: 'patch',
        namespace: 'payments-dev',
      },
      true,
    ],
    [
      'write Secrets it generates (never read)',
      { resource: 'secrets', verb: 'create', namespace: 'payments-dev' },
      true,
    ],
    [
      'read pod logs (the Logs view)',
      {
        resource: 'pods',
        subresource: 'log',
        verb: 'get',
        namespace: 'payments-dev',
      },
      true,
    ],
    [
      'watch events (the Events cards)',
      { resource: 'events', verb: 'watch', namespace: 'payments-dev' },
      true,
    ],
    [
      'list events (the Events cards)',
      { resource: 'events', verb: 'list', namespace: 'payments-dev' },
      true,
    ],
    [
      'write events',
      { resource: 'events', verb: 'create', namespace: 'payments-dev' },
      false,
    ],
    [
      'list pod metrics (actual usage, the Kubernetes tab)',
      {
        group: 'metrics.k8s.io',
        resource: 'pods',
        verb: 'list',
        namespace: 'payments-dev',
      },
      true,
    ],
    [
      "get a pod's metrics",
      {
        group: 'metrics.k8s.io',
        resource: 'pods',
        verb: 'get',
        namespace: 'payments-dev',
      },
      true,
    ],
    [
      'read node metrics (not needed)',
      { group: 'metrics.k8s.io', resource: 'nodes', verb: 'list' },
      false,
    ],
    [
      "read the kubelets' metrics (nodes/metrics)",
      { resource: 'nodes', subresource: 'metrics', verb: 'get' },
      false,
    ],
  ])('may it %s? (%#)', async (_what, attrs, expected) => {
    expect(await canStagecraft(attrs)).toBe(expected);
  });

  it('has no wildcard anywhere (kubectl auth can-i --list)', async () => {
    const self = stagecraft.makeApiClient(AuthorizationV1Api);
    for (const namespace of ['default', 'kube-system']) {
      const review = await self.createSelfSubjectRulesReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectRulesReview',
          spec: { namespace },
        },
      });
      const rules = review.status?.resourceRules ?? [];
      expect(rules.length).toBeGreaterThan(0);
      const wild = rules.filter(
        r =>
          r.verbs.includes('*') ||
          (r.resources ?? []).includes('*') ||
          (r.apiGroups ?? []).includes('*'),
      );
      expect(wild).toEqual([]);
      const secretReads = rules.filter(
        r =>
          (r.resources ?? []).includes('secrets') &&
          r.verbs.some(v => ['get', 'list', 'watch'].includes(v)),
      );
      expect(secretReads).toEqual([]);
    }
  });

  it('cannot write outside the namespaces it manages, even where RBAC would allow it', async () => {
    const core = stagecraft.makeApiClient(CoreV1Api);
    const refusal = await eventually('the admission policy in force', () =>
      core
        .createNamespacedConfigMap({
          namespace: 'kube-system',
          body: { metadata: { name: 'stagecraft-planted' }, data: { a: 'b' } },
        })
        .then(
          // the policy loads a moment after `cluster.sh up`; clean up and retry
          () =>
            kubeconfig('admin')
              .makeApiClient(CoreV1Api)
              .deleteNamespacedConfigMap({
                name: 'stagecraft-planted',
                namespace: 'kube-system',
              })
              .then(() => undefined),
          (e: { code?: number; body?: unknown }) => e,
        ),
    );
    // Forbidden (403) or Invalid (422), by the admission policy, not RBAC
    expect([403, 422]).toContain(refusal.code);
    expect(String(refusal.body)).toContain(
      'Stagecraft writes only into namespaces it manages',
    );
    await expect(
      core.patchNamespace({
        name: 'default',
        body: [
          {
            op: 'add',
            path: '/metadata/labels/stagecraft.io~1planted',
            value: 'x',
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      core.deleteNamespace({ name: 'kube-public' }),
    ).rejects.toMatchObject({ code: expect.any(Number) });
    const kubePublic = await kubeconfig('admin')
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: 'kube-public' });
    expect(kubePublic.status?.phase).toBe('Active');
  });
});
