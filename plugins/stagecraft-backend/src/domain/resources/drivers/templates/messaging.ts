/** Messaging and storage presets: `amqp`, `kafka-topic`, `s3`. */
import {
  credentialedServer,
  fromSecret,
  host,
  ManifestsTemplate,
  setupJob,
  singlePod,
} from './base';

/**
 * RabbitMQ (Score type `amqp`): `host`, `port`, `vhost`; `username`,
 * `password`, `uri` are secret.
 */
const amqp = credentialedServer({
  defaults: { image: 'rabbitmq:3.13-alpine', vhost: 'app' },
  port: 5672,
  uri: `amqp://{{ params.username }}:{{ generated.password }}@${host}:5672/{{ params.vhost }}`,
  pod: {
    portName: 'amqp',
    uid: 100, // rabbitmq in the alpine image
    container: {
      name: 'rabbitmq',
      env: [
        fromSecret('RABBITMQ_DEFAULT_USER', 'username'),
        fromSecret('RABBITMQ_DEFAULT_PASS', 'password'),
        { name: 'RABBITMQ_DEFAULT_VHOST', value: '{{ params.vhost }}' },
      ],
      readinessProbe: { tcpSocket: { port: 5672 } },
    },
    volumes: { data: '/var/lib/rabbitmq' },
  },
  outputs: { vhost: '{{ params.vhost }}' },
});

/**
 * A Kafka topic on a single-node KRaft broker of its own, made by a Job:
 * `host`, `port`, `name` (the topic), `num_partitions`. No credentials
 * (PLAINTEXT, cluster-internal).
 */
const kafkaTopic: ManifestsTemplate = {
  defaults: {
    image: 'apache/kafka:3.9.1',
    topic: '{{ name }}',
    partitions: 3,
    cpu: '1',
    memory: '1Gi',
  },
  manifests: [
    ...singlePod({
      ports: [{ name: 'kafka', port: 9092 }],
      uid: 1000, // appuser in the apache/kafka image
      container: {
        name: 'kafka',
        env: Object.entries({
          KAFKA_NODE_ID: '1',
          CLUSTER_ID: 'c3RhZ2VjcmFmdC1rYWZrYQ',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:9092`,
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
            'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_LOG_DIRS: '/var/lib/kafka/data',
        }).map(([name, value]) => ({ name, value })),
        readinessProbe: { tcpSocket: { port: 9092 } },
      },
      volumes: { data: '/var/lib/kafka/data', tmp: '/tmp' },
    }),
    setupJob({
      suffix: 'topic',
      uid: 1000,
      script: `until /opt/kafka/bin/kafka-topics.sh --bootstrap-server=${host}:9092 --create --if-not-exists --topic={{ params.topic }} --partitions={{ params.partitions }} --replication-factor=1; do sleep 3; done`,
    }),
  ],
  outputs: {
    host,
    port: '9092',
    name: '{{ params.topic }}',
    num_partitions: '{{ params.partitions }}',
  },
};

/**
 * An S3 bucket on a MinIO server of its own, made by a Job: `bucket`,
 * `endpoint`, `region`; `access_key_id`, `secret_key` (and the
 * `aws_access_key_id` / `aws_secret_key` aliases score-k8s offers) are
 * secret.
 */
const s3: ManifestsTemplate = {
  defaults: {
    image: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
    bucket: '{{ name }}',
    region: 'us-east-1',
    cpu: '500m',
    memory: '512Mi',
  },
  secret: {
    generate: ['accessKey', 'secretKey'],
    data: {
      access_key_id: '{{ generated.accessKey }}',
      secret_key: '{{ generated.secretKey }}',
    },
  },
  manifests: [
    ...singlePod({
      ports: [{ name: 'main', port: 9000 }],
      uid: 1000,
      container: {
        name: 'minio',
        args: ['server', '/data'],
        env: [
          fromSecret('MINIO_ROOT_USER', 'access_key_id'),
          fromSecret('MINIO_ROOT_PASSWORD', 'secret_key'),
          { name: 'MINIO_REGION', value: '{{ params.region }}' },
          { name: 'HOME', value: '/tmp' },
        ],
        readinessProbe: {
          httpGet: { path: '/minio/health/ready', port: 9000 },
        },
      },
      volumes: { data: '/data', tmp: '/tmp' },
    }),
    setupJob({
      suffix: 'bucket',
      uid: 1000,
      env: [
        fromSecret('ACCESS_KEY', 'access_key_id'),
        fromSecret('SECRET_KEY', 'secret_key'),
        { name: 'HOME', value: '/tmp' },
      ],
      script: `until mc alias set s3 http://${host}:9000 "$ACCESS_KEY" "$SECRET_KEY"; do sleep 3; done; mc mb --ignore-existing s3/{{ params.bucket }}`,
    }),
  ],
  outputs: {
    bucket: '{{ params.bucket }}',
    endpoint: `http://${host}:9000`,
    region: '{{ params.region }}',
    access_key_id: { secretKey: 'access_key_id' },
    secret_key: { secretKey: 'secret_key' },
    aws_access_key_id: { secretKey: 'access_key_id' },
    aws_secret_key: { secretKey: 'secret_key' },
  },
};

export const MESSAGING_PRESETS = { amqp, 'kafka-topic': kafkaTopic, s3 };
