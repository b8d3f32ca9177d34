import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { StagecraftApi, stagecraftApiRef } from '../../api/StagecraftApi';

/**
 * What an Environment entity card reads of its environment: the name and
 * the state of `read(api, name)` (its value undefined while the environment
 * is not provisioned).
 */
export function useEnvironmentRead<T>(
  read: (api: StagecraftApi, name: string) => Promise<T>,
) {
  const { entity } = useEntity();
  const api = useApi(stagecraftApiRef);
  const name = entity.metadata.name;
  const state = useAsync(() => read(api, name), [api, name]);
  return { name, state };
}

/** What a card says while its environment is not provisioned: it has no `what`. */
export function NotProvisioned({ name, what }: { name: string; what: string }) {
  return (
    <Typography variant="body2" color="textSecondary">
      {name} is not provisioned yet, so it has no {what}. Provision it with the
      Provision button of the Environment card.
    </Typography>
  );
}
