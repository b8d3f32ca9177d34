import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { EnvironmentInfo, mergeEnvironments } from './environments';

/**
 * Every environment: the catalog's `kind: Environment` entities merged with
 * what Stagecraft has provisioned (phase, quota, expiry).
 */
export function useEnvironments() {
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(stagecraftApiRef);
  return useAsyncRetry(async (): Promise<EnvironmentInfo[]> => {
    const [entities, provisioned] = await Promise.all([
      catalogApi.getEntities({ filter: { kind: 'environment' } }),
      api.listEnvironments(),
    ]);
    return mergeEnvironments(entities.items, provisioned);
  }, [catalogApi, api]);
}
