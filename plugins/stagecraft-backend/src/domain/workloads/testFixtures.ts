/** Test data shared by the workload tests (not exported from the package). */

/** /work/shared/examples/score.yaml, as Stagecraft reads it. */
export const EXAMPLE_SCORE_YAML = `# A Score (score.dev v1b1) workload as Stagecraft reads it.
apiVersion: score.dev/v1b1
metadata:
  name: checkout
containers:
  main:
    image: ghcr.io/example/checkout:1.4.2
    variables:
      LOG_LEVEL: info
      DATABASE_URL: \${resources.db.uri}
    resources:
      requests: {cpu: 100m, memory: 128Mi}
      limits: {cpu: 500m, memory: 256Mi}
    readinessProbe:
      httpGet: {path: /healthz, port: 8080}
service:
  ports:
    http: {port: 80, targetPort: 8080}
resources:
  db:
    type: postgres
  cache:
    type: redis
    id: shared-cache
`;
