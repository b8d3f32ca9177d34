import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@stagecraft/backstage-plugin-stagecraft-common';
import { fullRef } from '../common/environments';
import { DeploymentsMatrix } from './DeploymentsMatrix';

export { DeploymentsMatrix };

const WORKLOAD_EXAMPLE = `# stagecraft.yaml, next to catalog-info.yaml
apiVersion: score.dev/v1b1
metadata:
  name: my-service
containers:
  main:
    image: ghcr.io/acme/my-service:1.0.0
service:
  ports:
    http: { port: 80, targetPort: 8080 }

# catalog-info.yaml
metadata:
  annotations:
    stagecraft.io/workload: ./stagecraft.yaml`;

/** Shown on a component without a workload spec: how to add one. */
export function NoWorkloadEmptyState() {
  return (
    <EmptyState
      missing="field"
      title="No workload spec yet"
      description="Stagecraft deploys a component from its Score workload spec. Add a stagecraft.yaml (or score.yaml) next to catalog-info.yaml and point the stagecraft.io/workload annotation at it; the environments of the component's system then appear here."
      action={<CodeSnippet language="yaml" text={WORKLOAD_EXAMPLE} />}
    />
  );
}

/** Entity content "Deployments" of a Component. @public */
export function DeploymentsContent() {
  const { entity } = useEntity();
  const workload = entity.metadata.annotations?.[ANNOTATIONS.workload];
  if (!workload) return <NoWorkloadEmptyState />;
  return (
    <DeploymentsMatrix
      componentRef={stringifyEntityRef(entity)}
      system={fullRef(
        (entity.spec as { system?: string } | undefined)?.system,
        'system',
      )}
    />
  );
}
