import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import {
  applyPipelines,
  EnvironmentInfo,
  mergeEnvironments,
} from './environments';

/**
 * Every environment: the catalog's `kind: Environment` entities merged with
 * what Stagecraft has provisioned (phase, quota, expiry), placed in the
 * backend's promotion pipelines (order and promotion target).
 */
export function useEnvironments() {
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(stagecraftApiRef);
  return useAsyncRetry(async (): Promise<EnvironmentInfo[]> => {
    const [entities, provisioned, pipelines] = await Promise.all([
      catalogApi.getEntities({ filter: { kind: 'environment' } }),
      api.listEnvironments(),
      // an older backend without /pipeline: the catalog's promotesTo stands in
      api.getPipelines().catch(() => undefined),
    ]);
    return applyPipelines(
      mergeEnvironments(entities.items, provisioned),
      pipelines,
    );
  }, [catalogApi, api]);
}
