import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { stagecraftApiRef } from '../../api/StagecraftApi';

const SHOWN = ['type', 'id', 'status', 'phase', 'driver', 'component'];

/** Resources provisioned in this environment (databases, caches, …). */
export function EnvironmentResourcesCard() {
  const { entity } = useEntity();
  const api = useApi(stagecraftApiRef);
  const name = entity.metadata.name;
  const state = useAsync(() => api.getEnvironmentResources(name), [api, name]);
  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error) body = <ResponseErrorPanel error={state.error} />;
  else if (state.value === undefined) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {name} is not provisioned yet, so it has no resources. Provision it with
        the Provision button of the Environment card.
      </Typography>
    );
  } else if (!state.value.length) {
    body = (
      <EmptyState
        missing="data"
        title="No resources provisioned here"
        description="A workload requests resources (a database, a cache) in its Score spec (the resources section); deploying it here provisions them."
      />
    );
  } else {
    body = (
      <>
        {state.value.map((r, i) => (
          <StructuredMetadataTable
            key={`${r.type}/${r.id}/${i}`}
            metadata={Object.fromEntries(
              SHOWN.filter(k => r?.[k] !== undefined).map(k => [
                k,
                typeof r[k] === 'object' ? JSON.stringify(r[k]) : String(r[k]),
              ]),
            )}
          />
        ))}
      </>
    );
  }
  return <InfoCard title="Resources">{body}</InfoCard>;
}
