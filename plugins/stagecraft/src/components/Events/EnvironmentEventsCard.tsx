import { useEntity } from '@backstage/plugin-catalog-react';
import { ClusterEventsView } from './ClusterEventsTable';

/** The Kubernetes events of an Environment entity's namespace, live. @public */
export function EnvironmentEventsCard() {
  const { entity } = useEntity();
  return (
    <ClusterEventsView
      environment={entity.metadata.name}
      title="Events in this environment"
    />
  );
}
