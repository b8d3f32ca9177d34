import { ServiceUnavailableError } from '../errors';
import type { ClusterEventSource, PodLogSource } from './ports';

/**
 * Logs and events of a cluster gateway that serves none (a replaced gateway
 * without them, tests' in-memory gateway): logs are unavailable (503), the
 * event lists are empty.
 */
export const noObservability: PodLogSource & ClusterEventSource = {
  openPodLog: async () => {
    throw new ServiceUnavailableError('this cluster gateway serves no logs');
  },
  listEvents: async () => [],
  watchEvents: async (_c, _n, onEvents) => {
    onEvents([]);
    return () => undefined;
  },
};
