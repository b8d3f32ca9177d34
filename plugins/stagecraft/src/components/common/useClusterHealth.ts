import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { ClusterHealth } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';

/** When this browser first saw each cluster unreachable (health has no "since"). */
const firstSeenDown = new Map<string, string>();

export interface ClusterProblem {
  cluster: string;
  /** ECONNREFUSED, timeout, … or "not configured". */
  error: string;
  /** RFC 3339: the first failed check this session saw. */
  since: string;
}

/** Unreachable or unknown clusters among `clusters`; `undefined` while loading. */
export function useClusterProblems(clusters: string[]) {
  const api = useApi(stagecraftApiRef);
  const key = [...new Set(clusters)].sort().join(',');
  const state = useAsync(() => api.getHealth(), [api, key]);
  const health = state.value?.clusters ?? [];
  const byName = new Map<string, ClusterHealth>(health.map(c => [c.name, c]));
  const now = new Date().toISOString();
  const list: ClusterProblem[] = [];
  if (state.value) {
    for (const cluster of key ? key.split(',') : []) {
      const h = byName.get(cluster);
      if (h?.reachable) {
        firstSeenDown.delete(cluster);
        continue;
      }
      if (!firstSeenDown.has(cluster)) firstSeenDown.set(cluster, now);
      list.push({
        cluster,
        error: h
          ? h.error ?? 'unreachable'
          : 'not configured in Stagecraft (kubernetes.clusterLocatorMethods)',
        since: firstSeenDown.get(cluster)!,
      });
    }
  }
  return { loading: state.loading, error: state.error, problems: list };
}
