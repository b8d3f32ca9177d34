/**
 * Pod Security classes of the security corpus, generated from a table: each
 * violation of the `restricted` level (privileged, host namespaces, hostPath
 * volumes, host ports, capabilities, root, privilege escalation, seccomp,
 * procMount, sysctls, AppArmor, SELinux) in the pod template of each kind
 * that carries one, through the guarded apply. The API server decides (a
 * server-side dry run); every case is a 400 naming the field.
 */
import type { HostileCase } from './corpus';

type Obj = Record<string, unknown>;

/** A pod spec `restricted` admits; each violation changes one thing of it. */
const compliant = (): { pod: Obj; container: Obj } => {
  const container: Obj = {
    name: 'main',
    image: 'nginx',
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  return {
    container,
    pod: {
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [container],
    },
  };
};

const sc = (o: Obj) => o.securityContext as Obj;

/** One violation: what it changes, and the field (under the pod spec) the 400 names. */
const VIOLATIONS: Array<{
  name: string;
  change: (pod: Obj, container: Obj) => void;
  field: string;
}> = [
  {
    name: 'privileged',
    // (privileged with allowPrivilegeEscalation false is invalid, a 422)
    change: (_, c) => {
      sc(c).privileged = true;
      delete sc(c).allowPrivilegeEscalation;
    },
    field: 'containers[0].securityContext.privileged',
  },
  {
    name: 'hostNetwork',
    change: p => void (p.hostNetwork = true),
    field: 'hostNetwork',
  },
  { name: 'hostPID', change: p => void (p.hostPID = true), field: 'hostPID' },
  { name: 'hostIPC', change: p => void (p.hostIPC = true), field: 'hostIPC' },
  {
    name: 'hostPath volume',
    change: p => void (p.volumes = [{ name: 'h', hostPath: { path: '/' } }]),
    field: 'volumes[0].hostPath',
  },
  {
    name: 'hostPort',
    change: (_, c) =>
      void (c.ports = [{ containerPort: 8080, hostPort: 8080 }]),
    field: 'containers[0].ports[0].hostPort',
  },
  {
    name: 'capability NET_ADMIN added',
    change: (_, c) =>
      void (sc(c).capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] }),
    field: 'containers[0].securityContext.capabilities.add',
  },
  {
    name: 'capability SYS_ADMIN added',
    change: (_, c) =>
      void (sc(c).capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }),
    field: 'containers[0].securityContext.capabilities.add',
  },
  {
    name: 'capabilities not dropped',
    change: (_, c) => void delete sc(c).capabilities,
    field: 'containers[0].securityContext.capabilities.drop',
  },
  {
    name: 'container runAsUser 0',
    change: (_, c) => void (sc(c).runAsUser = 0),
    field: 'containers[0].securityContext.runAsUser',
  },
  {
    name: 'pod runAsUser 0',
    change: p => void (sc(p).runAsUser = 0),
    field: 'spec.securityContext.runAsUser',
  },
  {
    name: 'runAsNonRoot false',
    change: (_, c) => void (sc(c).runAsNonRoot = false),
    field: 'containers[0].securityContext.runAsNonRoot',
  },
  {
    name: 'allowPrivilegeEscalation',
    change: (_, c) => void (sc(c).allowPrivilegeEscalation = true),
    field: 'containers[0].securityContext.allowPrivilegeEscalation',
  },
  {
    name: 'pod seccomp Unconfined',
    change: p => void (sc(p).seccompProfile = { type: 'Unconfined' }),
    field: 'spec.securityContext.seccompProfile.type',
  },
  {
    name: 'container seccomp Unconfined',
    change: (_, c) => void (sc(c).seccompProfile = { type: 'Unconfined' }),
    field: 'containers[0].securityContext.seccompProfile.type',
  },
  {
    name: 'procMount Unmasked',
    change: (p, c) => {
      p.hostUsers = false;
      sc(c).procMount = 'Unmasked';
    },
    field: 'containers[0].securityContext.procMount',
  },
  {
    name: 'unsafe sysctl',
    change: p =>
      void (sc(p).sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    field: 'spec.securityContext.sysctls[0]',
  },
  {
    name: 'AppArmor unconfined',
    change: (_, c) => void (sc(c).appArmorProfile = { type: 'Unconfined' }),
    field: 'containers[0].securityContext.appArmorProfile',
  },
  {
    name: 'SELinux type spc_t',
    change: (_, c) => void (sc(c).seLinuxOptions = { type: 'spc_t' }),
    field: 'containers[0].securityContext.seLinuxOptions',
  },
];

const labels = { app: 'pss' };

/** Each kind that carries a pod template: the object around a pod spec, and the spec's path. */
const KINDS: Array<{ kind: string; wrap: (pod: Obj) => Obj; at: string }> = [
  { kind: 'Pod', wrap: pod => ({ apiVersion: 'v1', spec: pod }), at: 'spec' },
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map(kind => ({
    kind,
    wrap: (pod: Obj) => ({
      apiVersion: 'apps/v1',
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: pod },
      },
    }),
    at: 'spec.template.spec',
  })),
  {
    kind: 'Job',
    wrap: pod => ({
      apiVersion: 'batch/v1',
      spec: { template: { spec: { ...pod, restartPolicy: 'Never' } } },
    }),
    at: 'spec.template.spec',
  },
  {
    kind: 'CronJob',
    wrap: pod => ({
      apiVersion: 'batch/v1',
      spec: {
        schedule: '0 0 * * *',
        jobTemplate: {
          spec: { template: { spec: { ...pod, restartPolicy: 'Never' } } },
        },
      },
    }),
    at: 'spec.jobTemplate.spec.template.spec',
  },
];

/** Every violation × every kind, through the guarded apply of `environment`. */
export function podSecurityCases(environment: string): HostileCase[] {
  return KINDS.flatMap(({ kind, wrap, at }) =>
    VIOLATIONS.map(v => {
      const { pod, container } = compliant();
      v.change(pod, container);
      const { apiVersion, spec } = wrap(pod) as {
        apiVersion: string;
        spec: Obj;
      };
      const field = v.field.startsWith('spec.')
        ? `${at}.${v.field.slice('spec.'.length)}`
        : `${at}.${v.field}`;
      return {
        id: `apply: ${kind} with ${v.name}`,
        method: 'post' as const,
        path: `/environments/${environment}/apply`,
        body: {
          manifests: [{ apiVersion, kind, metadata: { name: 'pss' }, spec }],
        },
        status: [400],
        names: `manifests[0].${field}`,
      };
    }),
  );
}
