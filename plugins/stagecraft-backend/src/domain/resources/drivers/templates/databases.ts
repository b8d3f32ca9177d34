/**
 * Database presets: `postgres`, `mysql`, `mongodb`, `redis`, `mssql`,
 * `elasticsearch`, `volume`.
 */
import {
  credentialedServer,
  fromSecret,
  host,
  ManifestsTemplate,
  setupJob,
  singlePod,
} from './base';

/**
 * PostgreSQL: `host`, `port`, `name`, `database`; `username`, `password`,
 * `uri` are secret.
 */
const postgres = credentialedServer({
  defaults: { image: 'postgres:16-alpine', database: 'app' },
  port: 5432,
  uri: `postgresql://{{ params.username }}:{{ generated.password }}@${host}:5432/{{ params.database }}`,
  // host, port and database too: the keys an `existing` Secret has
  secretData: { host, port: '5432', database: '{{ params.database }}' },
  pod: {
    uid: 70, // postgres in the alpine image
    container: {
      name: 'postgres',
      env: [
        fromSecret('POSTGRES_USER', 'username'),
        fromSecret('POSTGRES_PASSWORD', 'password'),
        fromSecret('POSTGRES_DB', 'database'),
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      readinessProbe: {
        exec: { command: ['pg_isready', '-U', '{{ params.username }}'] },
      },
    },
    volumes: { data: '/var/lib/postgresql/data', run: '/var/run/postgresql' },
  },
  outputs: { name: '{{ params.database }}', database: '{{ params.database }}' },
});

/**
 * MySQL: `host`, `port`, `name`, `database`; `username`, `password`, `uri`
 * are secret (the root password is generated too and never an output).
 */
const mysql = credentialedServer({
  defaults: { image: 'mysql:8.4', database: 'app' },
  port: 3306,
  uri: `mysql://{{ params.username }}:{{ generated.password }}@${host}:3306/{{ params.database }}`,
  generate: ['rootPassword'],
  secretData: { rootPassword: '{{ generated.rootPassword }}' },
  pod: {
    uid: 999, // mysql in the official image
    container: {
      name: 'mysql',
      env: [
        fromSecret('MYSQL_USER', 'username'),
        fromSecret('MYSQL_PASSWORD', 'password'),
        fromSecret('MYSQL_ROOT_PASSWORD', 'rootPassword'),
        { name: 'MYSQL_DATABASE', value: '{{ params.database }}' },
      ],
      readinessProbe: {
        exec: { command: ['mysqladmin', 'ping', '-h', '127.0.0.1'] },
      },
    },
    volumes: { data: '/var/lib/mysql', run: '/var/run/mysqld', tmp: '/tmp' },
  },
  outputs: { name: '{{ params.database }}', database: '{{ params.database }}' },
});

/** MongoDB: `host`, `port`; `username`, `password`, `connection` are secret. */
const mongodb = credentialedServer({
  defaults: { image: 'mongo:7' },
  port: 27017,
  uri: `mongodb://{{ params.username }}:{{ generated.password }}@${host}:27017/`,
  uriKey: 'connection',
  pod: {
    uid: 999, // mongodb in the official image
    container: {
      name: 'mongodb',
      env: [
        fromSecret('MONGO_INITDB_ROOT_USERNAME', 'username'),
        fromSecret('MONGO_INITDB_ROOT_PASSWORD', 'password'),
      ],
      readinessProbe: { tcpSocket: { port: 27017 } },
    },
    volumes: { data: '/data/db', config: '/data/configdb', tmp: '/tmp' },
  },
});

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
      args: ['--requirepass', '$(REDIS_PASSWORD)', '--save', ''],
      env: [fromSecret('REDIS_PASSWORD', 'password')],
      readinessProbe: {
        tcpSocket: { port: 6379 },
      },
    },
    volumes: { data: '/data' },
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
 * SQL Server (Developer edition): `server`, `port`, `database`; `username`
 * (`sa`), `password` and `connection` are secret. SQL Server makes no
 * database from its environment, so a Job creates `params.database` once the
 * server answers. The password gets a fixed prefix so it always meets SQL
 * Server's complexity rule (three of upper, lower, digit, symbol).
 */
const mssqlPassword = 'Sc1-{{ generated.password }}';
const mssqlBase = credentialedServer({
  defaults: {
    image: 'mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04',
    database: 'app',
    // SQL Server needs 2 GiB of memory to start
    cpu: '1',
    memory: '2Gi',
  },
  port: 1433,
  username: 'sa',
  password: mssqlPassword,
  uri: `Server=${host},1433;Database={{ params.database }};User Id=sa;Password=${mssqlPassword};TrustServerCertificate=True`,
  uriKey: 'connection',
  pod: {
    uid: 10001, // mssql in the official image
    container: {
      name: 'mssql',
      env: [
        { name: 'ACCEPT_EULA', value: 'Y' },
        { name: 'MSSQL_PID', value: 'Developer' },
        fromSecret('MSSQL_SA_PASSWORD', 'password'),
      ],
      readinessProbe: { tcpSocket: { port: 1433 } },
    },
    volumes: { data: '/var/opt/mssql' },
  },
  outputs: { server: host, database: '{{ params.database }}' },
});
const mssql: ManifestsTemplate = {
  ...mssqlBase,
  manifests: [
    ...mssqlBase.manifests,
    setupJob({
      suffix: 'database',
      uid: 10001,
      env: [fromSecret('SA_PASSWORD', 'password')],
      script: `until /opt/mssql-tools18/bin/sqlcmd -C -S ${host},1433 -U sa -P "$SA_PASSWORD" -Q "IF DB_ID('{{ params.database }}') IS NULL CREATE DATABASE [{{ params.database }}]"; do sleep 2; done`,
    }),
  ],
};

/**
 * Elasticsearch, one node with security on and plain HTTP inside the
 * namespace: `host`, `port`; `username` (`elastic`), `password` and `uri`
 * are secret.
 */
const elasticsearch = credentialedServer({
  defaults: {
    image: 'docker.elastic.co/elasticsearch/elasticsearch:8.15.3',
    cpu: '1',
    memory: '2Gi',
  },
  port: 9200,
  username: 'elastic',
  uri: `http://elastic:{{ generated.password }}@${host}:9200`,
  pod: {
    uid: 1000, // elasticsearch in the official image
    container: {
      name: 'elasticsearch',
      env: [
        // one node: no cluster formation, no production bootstrap checks
        { name: 'discovery.type', value: 'single-node' },
        { name: 'xpack.security.enabled', value: 'true' },
        { name: 'xpack.security.http.ssl.enabled', value: 'false' },
        { name: 'ES_JAVA_OPTS', value: '-Xms512m -Xmx512m' },
        fromSecret('ELASTIC_PASSWORD', 'password'),
      ],
      readinessProbe: { tcpSocket: { port: 9200 } },
    },
    volumes: {
      data: '/usr/share/elasticsearch/data',
      logs: '/usr/share/elasticsearch/logs',
      tmp: '/tmp',
    },
  },
});

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

export const DATABASE_PRESETS = {
  postgres,
  mysql,
  mongodb,
  redis,
  mssql,
  elasticsearch,
  volume,
};
