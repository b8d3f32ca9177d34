import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type {
  ApprovalRequest,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  byEnvironment,
  DriftedField,
  isPlaced,
  PlacedDeployment,
  stagecraftApiRef,
  WireStatus,
} from '../../api/StagecraftApi';

/** A rollout this page started and follows until the cluster reports its end. */
export interface PendingRollout {
  action: RevisionAction;
  release: string;
  revision?: number;
  /**
   * The status when it started: a restart or scale keeps the release, so
   * only a newer status tells that the cluster took it up.
   */
  baseline?: WireStatus;
}

/**
 * Live map of environment → deployment: a first GET, then the SSE stream.
 * A deployment that names no environment cannot be placed and is dropped.
 */
export function useLiveDeployments(
  componentRef: string,
  onApproval?: (request: ApprovalRequest) => void,
) {
  const approvalListener = useRef(onApproval);
  approvalListener.current = onApproval;
  const api = useApi(stagecraftApiRef);
  const initial = useAsyncRetry(
    () => api.getDeployments(componentRef),
    [api, componentRef],
  );
  const [live, setLive] = useState<Record<string, PlacedDeployment>>({});
  const [stream, setStream] = useState<'connecting' | 'live' | Error>(
    'connecting',
  );
  const patch = useCallback((d: unknown) => {
    if (isPlaced(d)) setLive(prev => ({ ...prev, [d.environment]: d }));
  }, []);
  useEffect(() => {
    setLive({});
    return api.watchDeployments(componentRef, {
      onStatus: patch,
      onApproval: r => approvalListener.current?.(r),
      onOpen: () => setStream('live'),
      onError: e => setStream(e),
    });
  }, [api, componentRef, patch]);
  const merged = useMemo(
    () => ({ ...byEnvironment(initial.value), ...live }),
    [initial.value, live],
  );
  return { initial, deployments: merged, stream, patch };
}

/** Drift of each settled revision, read once per (environment, revision): no polling. */
export function useDrift(
  componentRef: string,
  deployments: Record<string, PlacedDeployment>,
) {
  const api = useApi(stagecraftApiRef);
  const [drift, setDrift] = useState<Record<string, DriftedField[] | Error>>(
    {},
  );
  const keys = Object.values(deployments)
    .filter(
      d =>
        d.revision?.revision !== undefined && d.status?.phase !== 'progressing',
    )
    .map(d => `${d.environment}@${d.revision!.revision}`)
    .sort()
    .join(',');
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const key of keys ? keys.split(',') : []) {
      if (requested.current.has(key)) continue;
      requested.current.add(key);
      const env = key.slice(0, key.lastIndexOf('@'));
      api.getDrift(componentRef, env).then(
        items => setDrift(p => ({ ...p, [env]: items })),
        e => setDrift(p => ({ ...p, [env]: e })),
      );
    }
  }, [api, componentRef, keys]);
  return drift;
}
