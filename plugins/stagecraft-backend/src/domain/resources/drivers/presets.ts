/**
 * Built-in templates of the `manifests` driver (`params.template`), for
 * development and preview environments: one pod, data in an emptyDir (it
 * lives as long as the pod), a password generated once into a Secret. They
 * meet Pod Security `restricted`. Production should use `existing` or
 * `claim`.
 */
import type { OutputSpec } from './common';

/** A manifests template: objects, a generated Secret and the outputs. */
export interface ManifestsTemplate {
  /** Defaults of `{{ params.* }}` (requests may override only these keys). */
  defaults?: Record<string, string | number | boolean>;
  manifests: unknown[];
  /**
   * A Secret named like the resource, created once and never read or changed
   * afterwards: `generate` names random values usable as
   * `{{ generated.<name> }}` in `data`.
   */
  secret?: { generate?: string[]; data: Record<string, string> };
  outputs: Record<string, OutputSpec>;
}

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

const podLabels = {
  'stagecraft.io/resource': '{{ name }}',
  'app.kubernetes.io/managed-by': 'stagecraft',
  'stagecraft.io/environment': '{{ environment }}',
};

const host = '{{ name }}.{{ namespace }}.svc.cluster.local';

function singlePod(options: {
  port: number;
  uid: number;
  container: Record<string, unknown>;
  volumes: Array<{ name: string; mountPath: string }>;
}) {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '{{ name }}' },
      spec: {
        selector: { 'stagecraft.io/resource': '{{ name }}' },
        ports: [{ name: 'main', port: options.port, targetPort: options.port }],
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
            securityContext: {
              runAsNonRoot: true,
              runAsUser: options.uid,
              runAsGroup: options.uid,
              fsGroup: options.uid,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                ...options.container,
                ports: [{ name: 'main', containerPort: options.port }],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: {
                    cpu: '{{ params.cpu }}',
                    memory: '{{ params.memory }}',
                  },
                },
                securityContext: restrictedContainer,
                volumeMounts: options.volumes.map(v => ({
                  name: v.name,
                  mountPath: v.mountPath,
                })),
              },
            ],
            volumes: options.volumes.map(v => ({
              name: v.name,
              emptyDir: {},
            })),
          },
        },
      },
    },
  ];
}

const fromSecret = (name: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: '{{ name }}', key } },
});

/** PostgreSQL: `host`, `port`, `database`; `username`, `password`, `uri` are secret. */
const postgres: ManifestsTemplate = {
  defaults: {
    image: 'postgres:16-alpine',
    database: 'app',
    username: 'app',
    cpu: '500m',
    memory: '512Mi',
  },
  secret: {
    generate: ['password'],
    data: {
      host,
      port: '5432',
      database: '{{ params.database }}',
      username: '{{ params.username }}',
      password: '{{ generated.password }}',
      uri: `postgresql://{{ params.username }}:{{ generated.password }}@${host}:5432/{{ params.database }}`,
    },
  },
  manifests: singlePod({
    port: 5432,
    uid: 70, // postgres in the alpine image
    container: {
      name: 'postgres',
      image: '{{ params.image }}',
      env: [
        fromSecret('POSTGRES_USER', 'username'),
        fromSecret('POSTGRES_PASSWORD', 'password'),
        fromSecret('POSTGRES_DB', 'database'),
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      readinessProbe: {
        exec: { command: ['pg_isready', '-U', '{{ params.username }}'] },
        periodSeconds: 5,
      },
    },
    volumes: [
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'run', mountPath: '/var/run/postgresql' },
    ],
  }),
  outputs: {
    host,
    port: '5432',
    database: '{{ params.database }}',
    username: { secretKey: 'username' },
    password: { secretKey: 'password' },
    uri: { secretKey: 'uri' },
  },
};

/** Redis: `host`, `port`; `password` and `uri` are secret. */
const redis: ManifestsTemplate = {
  defaults: { image: 'redis:7-alpine', cpu: '250m', memory: '256Mi' },
  secret: {
    generate: ['password'],
    data: {
      host,
      port: '6379',
      password: '{{ generated.password }}',
      uri: `redis://:{{ generated.password }}@${host}:6379/0`,
    },
  },
  manifests: singlePod({
    port: 6379,
    uid: 999, // redis in the alpine image
    container: {
      name: 'redis',
      image: '{{ params.image }}',
      args: ['--requirepass', '$(REDIS_PASSWORD)', '--save', ''],
      env: [fromSecret('REDIS_PASSWORD', 'password')],
      readinessProbe: {
        tcpSocket: { port: 6379 },
        periodSeconds: 5,
      },
    },
    volumes: [{ name: 'data', mountPath: '/data' }],
  }),
  outputs: {
    host,
    port: '6379',
    password: { secretKey: 'password' },
    uri: { secretKey: 'uri' },
  },
};

/**
 * A volume (Score type `volume`): a PersistentVolumeClaim named like the
 * resource; `claimName` tells the workload renderer what to mount. The
 * cluster's default StorageClass provisions it.
 */
const volume: ManifestsTemplate = {
  defaults: { size: '1Gi', accessMode: 'ReadWriteOnce' },
  manifests: [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: '{{ name }}' },
      spec: {
        accessModes: ['{{ params.accessMode }}'],
        resources: { requests: { storage: '{{ params.size }}' } },
      },
    },
  ],
  outputs: { claimName: '{{ name }}' },
};

/** The built-in templates by name. */
export const MANIFEST_PRESETS: Record<string, ManifestsTemplate> = {
  postgres,
  redis,
  volume,
};
