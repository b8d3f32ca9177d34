import { InMemoryClusterGateway } from '../../__testUtils__/InMemoryClusterGateway';
import type { KubeObject } from '../ports';
import {
  ENFORCE_LABEL,
  fieldsOfViolation,
  parsePodSecurity,
  podSecurityViolations,
  podSpecPath,
} from './podSecurity';

// what kube-apiserver v1.37 answered a server-side dry run of `bad` (below)
// in a namespace enforcing restricted:v1.33 (a Deployment: a Warning header)
const WARNING =
  'would violate PodSecurity "restricted:v1.33": forbidden AppArmor profiles (container "side" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/main="unconfined""), host namespaces (hostNetwork=true, hostPID=true), hostPort (container "main" uses hostPort 80), privileged (container "main" must not set securityContext.privileged=true), forbidden sysctls (kernel.msgmax), allowPrivilegeEscalation != false (containers "main", "side" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (containers "main", "side" must set securityContext.capabilities.drop=["ALL"]; container "main" must not include "NET_ADMIN" in securityContext.capabilities.add), restricted volume types (volume "h" uses restricted volume type "hostPath"), runAsNonRoot != true (container "main" must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")';

const bad: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bad', namespace: 'ns' },
  spec: {
    template: {
      metadata: {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/main': 'unconfined',
        },
      },
      spec: {
        hostNetwork: true,
        hostPID: true,
        securityContext: {
          runAsUser: 0,
          sysctls: [{ name: 'kernel.msgmax', value: '1' }],
          seccompProfile: { type: 'Unconfined' },
        },
        volumes: [{ name: 'h', hostPath: { path: '/etc' } }],
        containers: [
          {
            name: 'main',
            ports: [{ containerPort: 80, hostPort: 80 }],
            securityContext: {
              privileged: true,
              capabilities: { add: ['NET_ADMIN'] },
              runAsNonRoot: false,
            },
          },
          {
            name: 'side',
            securityContext: { appArmorProfile: { type: 'Unconfined' } },
          },
        ],
      },
    },
  },
};

describe('Pod Security verdicts', () => {
  it('knows where each kind keeps its pod spec, and only for the built-in groups', () => {
    const o = (apiVersion: string, kind: string) =>
      podSpecPath({ apiVersion, kind, metadata: { name: 'x' } })?.join('.');
    expect(o('v1', 'Pod')).toBe('spec');
    expect(o('apps/v1', 'Deployment')).toBe('spec.template.spec');
    expect(o('apps/v1', 'StatefulSet')).toBe('spec.template.spec');
    expect(o('apps/v1', 'DaemonSet')).toBe('spec.template.spec');
    expect(o('apps/v1', 'ReplicaSet')).toBe('spec.template.spec');
    expect(o('batch/v1', 'Job')).toBe('spec.template.spec');
    expect(o('batch/v1', 'CronJob')).toBe(
      'spec.jobTemplate.spec.template.spec',
    );
    expect(o('example.com/v1', 'Deployment')).toBeUndefined();
    expect(o('v1', 'ConfigMap')).toBeUndefined();
  });

  it('splits the API server text into its failed checks', () => {
    const items = parsePodSecurity(WARNING);
    expect(items.map(i => i.policy)).toEqual(
      items.map(() => 'restricted:v1.33'),
    );
    expect(items.map(i => i.item.split(' (')[0])).toEqual([
      'forbidden AppArmor profiles',
      'host namespaces',
      'hostPort',
      'privileged',
      'forbidden sysctls',
      'allowPrivilegeEscalation != false',
      'unrestricted capabilities',
      'restricted volume types',
      'runAsNonRoot != true',
      'runAsUser=0',
      'seccompProfile',
    ]);
    expect(parsePodSecurity('spec.foo: deprecated since v1.30')).toEqual([]);
  });

  it('names the fields each check is about', () => {
    const path = podSpecPath(bad)!;
    const fields = Object.fromEntries(
      parsePodSecurity(WARNING).map(v => [
        v.item.split(' (')[0],
        fieldsOfViolation(bad, path, v.item),
      ]),
    );
    const p = 'spec.template.spec';
    expect(fields).toEqual({
      'forbidden AppArmor profiles': [
        `${p}.containers[1].securityContext.appArmorProfile`,
        'spec.template.metadata.annotations',
      ],
      'host namespaces': [`${p}.hostNetwork`, `${p}.hostPID`],
      hostPort: [`${p}.containers[0].ports[0].hostPort`],
      privileged: [`${p}.containers[0].securityContext.privileged`],
      'forbidden sysctls': [`${p}.securityContext.sysctls[0]`],
      'allowPrivilegeEscalation != false': [
        `${p}.containers[0].securityContext.allowPrivilegeEscalation`,
        `${p}.containers[1].securityContext.allowPrivilegeEscalation`,
      ],
      'unrestricted capabilities': [
        `${p}.containers[0].securityContext.capabilities.drop`,
        `${p}.containers[1].securityContext.capabilities.drop`,
        `${p}.containers[0].securityContext.capabilities.add`,
      ],
      'restricted volume types': [`${p}.volumes[0].hostPath`],
      'runAsNonRoot != true': [
        `${p}.containers[0].securityContext.runAsNonRoot`,
      ],
      'runAsUser=0': [`${p}.securityContext.runAsUser`],
      seccompProfile: [`${p}.securityContext.seccompProfile.type`],
    });
  });

  it('falls back to the pod spec for a check it cannot place', () => {
    expect(
      fieldsOfViolation(bad, ['spec', 'template', 'spec'], 'something new (x)'),
    ).toEqual(['spec.template.spec']);
  });
});

describe('podSecurityViolations', () => {
  const namespace = (level?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'ns', labels: level ? { [ENFORCE_LABEL]: level } : {} },
  });
  const field = (i: number, path: string) => `manifests[${i}].${path}`;

  it('refuses what the enforced level refuses, naming the fields; applies nothing', async () => {
    const gateway = new InMemoryClusterGateway();
    gateway.seed('local', namespace('restricted'));
    gateway.warnings = o => (o.kind === 'Deployment' ? [WARNING] : []);
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    };
    const errors = await podSecurityViolations(
      gateway,
      'local',
      'ns',
      [cm, bad],
      field,
    );
    expect(errors.map(e => e.field)).toContain(
      'manifests[1].spec.template.spec.hostNetwork',
    );
    expect(errors.find(e => e.field.endsWith('privileged'))!.message).toBe(
      'manifests[1].spec.template.spec.containers[0].securityContext.privileged: Deployment/bad would violate PodSecurity "restricted:v1.33" of namespace ns: privileged (container "main" must not set securityContext.privileged=true)',
    );
    // only the object with a pod template was asked, as a dry run
    expect(gateway.calls).toEqual(['dry-run Deployment/bad']);
  });

  it('reads a Pod refused by admission as its verdict', async () => {
    const gateway = new InMemoryClusterGateway();
    gateway.seed('local', namespace('baseline'));
    gateway.refuse = () =>
      Object.assign(
        new Error(
          'cluster local: pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostIPC=true)',
        ),
        { name: 'NotAllowedError' },
      );
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { hostIPC: true, containers: [{ name: 'a' }] },
    };
    const errors = await podSecurityViolations(
      gateway,
      'local',
      'ns',
      [pod],
      field,
    );
    expect(errors.map(e => e.field)).toEqual(['manifests[0].spec.hostIPC']);
  });

  it('keeps a warn-only level a warning, and does not ask a namespace that enforces nothing', async () => {
    const gateway = new InMemoryClusterGateway();
    gateway.seed('local', namespace('baseline'));
    gateway.warnings = () => [WARNING];
    await expect(
      podSecurityViolations(gateway, 'local', 'ns', [bad], field),
    ).resolves.toEqual([]);
    const open = new InMemoryClusterGateway();
    open.seed('local', namespace());
    await expect(
      podSecurityViolations(open, 'local', 'ns', [bad], field),
    ).resolves.toEqual([]);
    expect(open.calls).toEqual([]);
  });

  it('passes on other refusals of the dry run as they are', async () => {
    const gateway = new InMemoryClusterGateway();
    gateway.seed('local', namespace('restricted'));
    const invalid = Object.assign(
      new Error('cluster local: Deployment.apps "bad" is invalid'),
      {
        name: 'InputError',
      },
    );
    gateway.refuse = () => invalid;
    await expect(
      podSecurityViolations(gateway, 'local', 'ns', [bad], field),
    ).rejects.toBe(invalid);
  });
});
