import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ClusterEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';

/**
 * The Kubernetes events of an environment (or of one component there),
 * newest first: read once, then replaced by every `events` message of the
 * watch. `live` is false while the watch is (re)connecting.
 */
export function useClusterEvents(environment?: string, component?: string) {
  const api = useApi(stagecraftApiRef);
  const [items, setItems] = useState<ClusterEvent[]>();
  const [error, setError] = useState<Error>();
  const [live, setLive] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    setLive(false);
    if (!environment) return undefined;
    const scope = { environment, component };
    let cancelled = false;
    let stop: (() => void) | undefined;
    api.getClusterEvents(scope).then(
      r => {
        if (cancelled) return;
        setItems(r.items);
        stop = api.watchClusterEvents(scope, {
          onEvents: next => {
            setItems(next.items);
            setError(undefined);
          },
          onOpen: () => setLive(true),
          onError: e => {
            setLive(false);
            // a refusal is shown; a broken stream keeps the last list
            if ((e as { response?: unknown }).response) setError(e);
          },
        });
      },
      e => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [api, environment, component, attempt]);
  return {
    items,
    error,
    live,
    loading: !items && !error,
    retry: () => setAttempt(a => a + 1),
  };
}
