import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';

export interface ApprovalsState {
  loading: boolean;
  /** Pending requests, oldest first. */
  items: ApprovalRequest[];
  /** The backend has no approvals endpoint (404). */
  unavailable: boolean;
  error?: Error;
  reload: () => Promise<void>;
  /** Take in a request's new state (pending ones stay, decided ones go). */
  upsert: (request: ApprovalRequest) => void;
}

/**
 * Pending approval requests of a component and/or an environment: read once,
 * then again every `refreshMs` (requests made elsewhere show up) and whenever
 * `reload` is called.
 */
export function useApprovals(
  filter: { component?: string; environment?: string },
  refreshMs = 30_000,
): ApprovalsState {
  const api = useApi(stagecraftApiRef);
  const { component, environment } = filter;
  const [state, setState] = useState<{
    loading: boolean;
    items: ApprovalRequest[];
    unavailable: boolean;
    error?: Error;
  }>({ loading: true, items: [], unavailable: false });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const reload = useCallback(async () => {
    try {
      const items = await api.listApprovals({
        component,
        environment,
        state: 'pending',
      });
      if (!mounted.current) return;
      setState({
        loading: false,
        items: (items ?? [])
          .filter(i => i.state === 'pending')
          .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)),
        unavailable: items === undefined,
      });
    } catch (e) {
      if (!mounted.current) return;
      setState(s => ({ ...s, loading: false, error: e as Error }));
    }
  }, [api, component, environment]);

  useEffect(() => {
    reload();
    if (!refreshMs) return undefined;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [reload, refreshMs]);

  const upsert = useCallback(
    (request: ApprovalRequest) =>
      setState(s => ({
        ...s,
        items: [
          ...s.items.filter(i => i.id !== request.id),
          ...(request.state === 'pending' ? [request] : []),
        ].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)),
      })),
    [],
  );

  return { ...state, reload, upsert };
}
