/**
 * Shared pieces of the built-in templates of the `manifests` driver
 * (`params.template`), for development and preview environments: one pod,
 * data in an emptyDir (it lives as long as the pod), passwords generated
 * once into a Secret. Every pod template meets Pod Security `restricted`.
 * Production should use `existing` or `claim`.
 */
import type { ResourceDriverContext } from '@stagecraft/backstage-plugin-stagecraft-node';
import type { OutputSpec } from '../common';

/** A manifests template: objects, a generated Secret and the outputs. */
export interface ManifestsTemplate {
  /**
   * Defaults of `{{ params.* }}` (requests may override only these keys).
   * Strings may use the other template variables (`{{ ingressHost }}`…).
   */
  defaults?: Record<string, string | number | boolean>;
  /** Params that must not be empty (refused naming the param). */
  required?: string[];
  manifests: unknown[];
  /**
   * A Secret named like the resource, created once and never read or changed
   * afterwards: `generate` names random values usable as
   * `{{ generated.<name> }}` in `data`.
   */
  secret?: { generate?: string[]; data: Record<string, string> };
  outputs: Record<string, OutputSpec>;
  /** Every param is an output too (the `environment` preset). */
  outputsFromParams?: boolean;
  /**
   * Variables read from the cluster before outputs are rendered (never from
   * a Secret), e.g. the port a named Service port stands for.
   */
  lookup?(
    ctx: ResourceDriverContext,
    vars: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

/** The container securityContext Pod Security `restricted` asks for. */
export const restrictedContainer = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The pod securityContext of a template running as `uid`. */
export const restrictedPod = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});

const podLabels = {
  'stagecraft.io/resource': '{{ name }}',
  'app.kubernetes.io/managed-by': 'stagecraft',
  'stagecraft.io/environment': '{{ environment }}',
};

/** The in-cluster DNS name of the resource's Service. */
export const host = '{{ name }}.{{ namespace }}.svc.cluster.local';

/** A container resource block: small requests, limits from params. */
const sized = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '{{ params.cpu }}', memory: '{{ params.memory }}' },
};

/**
 * A Service and a one-replica StatefulSet named like the resource; its
 * container runs `params.image`, its readiness probed every 5 seconds.
 */
export function singlePod(options: {
  /** The first is the one outputs name. */
  ports: Array<{ name: string; port: number }>;
  uid: number;
  container: {
    name: string;
    readinessProbe: Record<string, unknown>;
    [field: string]: unknown;
  };
  /** emptyDir volumes: name → where the container mounts it. */
  volumes: Record<string, string>;
}) {
  const { name, readinessProbe, ...container } = options.container;
  const volumes = Object.entries(options.volumes);
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '{{ name }}' },
      spec: {
        selector: { 'stagecraft.io/resource': '{{ name }}' },
        ports: options.ports.map(p => ({
          name: p.name,
          port: p.port,
          targetPort: p.port,
        })),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: '{{ name }}' },
      spec: {
        serviceName: '{{ name }}',
        replicas: 1,
        selector: { matchLabels: { 'stagecraft.io/resource': '{{ name }}' } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPod(options.uid),
            containers: [
              {
                name,
                image: '{{ params.image }}',
                ...container,
                readinessProbe: { ...readinessProbe, periodSeconds: 5 },
                ports: options.ports.map(p => ({
                  name: p.name,
                  containerPort: p.port,
                })),
                resources: sized,
                securityContext: restrictedContainer,
                volumeMounts: volumes.map(([volume, mountPath]) => ({
                  name: volume,
                  mountPath,
                })),
              },
            ],
            volumes: volumes.map(([volume]) => ({
              name: volume,
              emptyDir: {},
            })),
          },
        },
      },
    },
  ];
}

/**
 * A Job `{{ name }}-<suffix>` running one command once (a bucket or topic
 * made after the server is up; it retries until the server answers), in
 * `params.image`.
 */
export function setupJob(options: {
  suffix: string;
  uid: number;
  script: string;
  env?: unknown[];
}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `{{ name }}-${options.suffix}` },
    spec: {
      backoffLimit: 20,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          securityContext: restrictedPod(options.uid),
          containers: [
            {
              name: options.suffix,
              image: '{{ params.image }}',
              command: ['/bin/sh', '-c', options.script],
              ...(options.env && { env: options.env }),
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '250m', memory: '256Mi' },
              },
              securityContext: restrictedContainer,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** An env entry read from the resource's generated Secret. */
export const fromSecret = (name: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: '{{ name }}', key } },
});

/**
 * A server with generated credentials: a Secret holding `username`,
 * `password` and a connection string (`uriKey`, default `uri`), the server's
 * Service and StatefulSet, and outputs `host`, `port` plus `outputs`, with
 * the credentials and the connection string as secret outputs only.
 */
export function credentialedServer(options: {
  defaults: Record<string, string | number | boolean>;
  port: number;
  /** The connection string, using the password (`{{ generated.password }}`). */
  uri: string;
  /**
   * The password kept in the Secret (default `{{ generated.password }}`),
   * e.g. with a fixed prefix for a server's complexity rules.
   */
  password?: string;
  /**
   * A login the server fixes (`sa`, `elastic`); without it the login is
   * `params.username` (default `app`).
   */
  username?: string;
  uriKey?: string;
  /** More generated values / Secret keys (e.g. a root password). */
  generate?: string[];
  secretData?: Record<string, string>;
  pod: Omit<Parameters<typeof singlePod>[0], 'ports'> & { portName?: string };
  /** Plain outputs besides `host` and `port`. */
  outputs?: Record<string, string>;
}): ManifestsTemplate {
  const uriKey = options.uriKey ?? 'uri';
  const { portName, ...pod } = options.pod;
  return {
    defaults: {
      ...(!options.username && { username: 'app' }),
      cpu: '500m',
      memory: '512Mi',
      ...options.defaults,
    },
    secret: {
      generate: ['password', ...(options.generate ?? [])],
      data: {
        ...options.secretData,
        username: options.username ?? '{{ params.username }}',
        password: options.password ?? '{{ generated.password }}',
        [uriKey]: options.uri,
      },
    },
    manifests: singlePod({
      ...pod,
      ports: [{ name: portName ?? 'main', port: options.port }],
    }),
    outputs: {
      host,
      port: String(options.port),
      ...options.outputs,
      username: { secretKey: 'username' },
      password: { secretKey: 'password' },
      [uriKey]: { secretKey: uriKey },
    },
  };
}
