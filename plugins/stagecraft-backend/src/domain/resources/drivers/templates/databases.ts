/** Database presets: `postgres`, `mysql`, `mongodb`, `redis`, `volume`. */
import { fromSecret, host, ManifestsTemplate, singlePod } from './base';

/**
 * PostgreSQL: `host`, `port`, `name`, `database`; `username`, `password`,
 * `uri` are secret.
 */
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
    ports: [{ name: 'main', port: 5432 }],
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
    name: '{{ params.database }}',
    database: '{{ params.database }}',
    username: { secretKey: 'username' },
    password: { secretKey: 'password' },
    uri: { secretKey: 'uri' },
  },
};

/**
 * MySQL: `host`, `port`, `name`, `database`; `username`, `password`, `uri`
 * are secret (the root password is generated too and never an output).
 */
const mysql: ManifestsTemplate = {
  defaults: {
    image: 'mysql:8.4',
    database: 'app',
    username: 'app',
    cpu: '500m',
    memory: '512Mi',
  },
  secret: {
    generate: ['password', 'rootPassword'],
    data: {
      username: '{{ params.username }}',
      password: '{{ generated.password }}',
      rootPassword: '{{ generated.rootPassword }}',
      uri: `mysql://{{ params.username }}:{{ generated.password }}@${host}:3306/{{ params.database }}`,
    },
  },
  manifests: singlePod({
    ports: [{ name: 'main', port: 3306 }],
    uid: 999, // mysql in the official image
    container: {
      name: 'mysql',
      image: '{{ params.image }}',
      env: [
        fromSecret('MYSQL_USER', 'username'),
        fromSecret('MYSQL_PASSWORD', 'password'),
        fromSecret('MYSQL_ROOT_PASSWORD', 'rootPassword'),
        { name: 'MYSQL_DATABASE', value: '{{ params.database }}' },
      ],
      readinessProbe: {
        exec: { command: ['mysqladmin', 'ping', '-h', '127.0.0.1'] },
        periodSeconds: 5,
      },
    },
    volumes: [
      { name: 'data', mountPath: '/var/lib/mysql' },
      { name: 'run', mountPath: '/var/run/mysqld' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  }),
  outputs: {
    host,
    port: '3306',
    name: '{{ params.database }}',
    database: '{{ params.database }}',
    username: { secretKey: 'username' },
    password: { secretKey: 'password' },
    uri: { secretKey: 'uri' },
  },
};

/** MongoDB: `host`, `port`; `username`, `password`, `connection` are secret. */
const mongodb: ManifestsTemplate = {
  defaults: {
    image: 'mongo:7',
    username: 'app',
    cpu: '500m',
    memory: '512Mi',
  },
  secret: {
    generate: ['password'],
    data: {
      username: '{{ params.username }}',
      password: '{{ generated.password }}',
      connection: `mongodb://{{ params.username }}:{{ generated.password }}@${host}:27017/`,
    },
  },
  manifests: singlePod({
    ports: [{ name: 'main', port: 27017 }],
    uid: 999, // mongodb in the official image
    container: {
      name: 'mongodb',
      image: '{{ params.image }}',
      env: [
        fromSecret('MONGO_INITDB_ROOT_USERNAME', 'username'),
        fromSecret('MONGO_INITDB_ROOT_PASSWORD', 'password'),
      ],
      readinessProbe: { tcpSocket: { port: 27017 }, periodSeconds: 5 },
    },
    volumes: [
      { name: 'data', mountPath: '/data/db' },
      { name: 'config', mountPath: '/data/configdb' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  }),
  outputs: {
    host,
    port: '27017',
    username: { secretKey: 'username' },
    password: { secretKey: 'password' },
    connection: { secretKey: 'connection' },
  },
};

/** Redis: `host`, `port`, `username`; `password` and `uri` are secret. */
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
    ports: [{ name: 'main', port: 6379 }],
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
    username: 'default',
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

export const DATABASE_PRESETS = { postgres, mysql, mongodb, redis, volume };
