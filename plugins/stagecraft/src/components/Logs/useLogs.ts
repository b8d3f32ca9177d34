import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  LogLine,
  LogQuery,
  LogSourcePod,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';

/** Lines a view keeps (the oldest go first); the backend sends this many of the past. */
export const MAX_LINES = 5000;
export const TAIL_LINES = 500;

/** What the view asks for: everything of LogQuery but the environment is the view's. */
export interface LogSelection {
  pod?: string;
  container?: string;
  previous: boolean;
  follow: boolean;
}

export type LogState = 'loading' | 'following' | 'shown' | 'ended';

/**
 * The lines of a component's containers in one environment: read once, or
 * followed (live lines appended) while `follow` is on. Turning follow off
 * stops the stream (the backend closes its cluster stream) and keeps the
 * lines shown; changing the pod, container or previous reads again.
 */
export function useLogs(
  componentRef: string,
  environment: string,
  selection: LogSelection,
) {
  const api = useApi(stagecraftApiRef);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [pods, setPods] = useState<LogSourcePod[]>([]);
  const [notices, setNotices] = useState<string[]>([]);
  const [state, setState] = useState<LogState>('loading');
  const [error, setError] = useState<Error>();
  const [attempt, setAttempt] = useState(0);
  const { pod, container, previous } = selection;
  // previous instances are terminated: nothing to follow
  const follow = selection.follow && !previous;
  const shownKey = useRef<string>();

  useEffect(() => {
    const key = JSON.stringify([
      componentRef,
      environment,
      pod,
      container,
      previous,
      attempt,
    ]);
    const query: LogQuery = {
      environment,
      pod,
      container,
      previous: previous || undefined,
      tailLines: TAIL_LINES,
    };
    if (!follow && shownKey.current === key) {
      // follow turned off: the lines stay, only the stream stops
      setState(s => (s === 'following' ? 'shown' : s));
      return undefined;
    }
    shownKey.current = key;
    setError(undefined);
    setNotices([]);
    setState('loading');
    if (!follow) {
      let cancelled = false;
      api.getLogs(componentRef, query).then(
        r => {
          if (cancelled) return;
          setPods(r.pods);
          setLines(r.lines.slice(-MAX_LINES));
          setState('shown');
        },
        e => {
          if (cancelled) return;
          setError(e);
          setState('shown');
        },
      );
      return () => {
        cancelled = true;
      };
    }
    setLines([]);
    const pending: LogLine[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const stop = api.followLogs(componentRef, query, {
      onEvent: event => {
        switch (event.type) {
          case 'pods':
            setPods(event.pods);
            setState('following');
            break;
          case 'line':
            // lines arrive in bursts: one render per burst
            pending.push(event.line);
            setState(s => (s === 'loading' ? 'following' : s));
            flush ??= setTimeout(() => {
              flush = undefined;
              const batch = pending.splice(0);
              setLines(ls => ls.concat(batch).slice(-MAX_LINES));
            }, 50);
            break;
          case 'notice':
            setNotices(n => [...n, event.message]);
            break;
          case 'end':
            setNotices(n => [...n, `The stream ended: ${event.reason}`]);
            setState('ended');
            break;
          default:
        }
      },
      onError: e => {
        setError(e);
        setState('ended');
      },
      onClose: () =>
        setState(s => (s === 'following' || s === 'loading' ? 'ended' : s)),
    });
    return () => {
      stop();
      if (flush) clearTimeout(flush);
      const rest = pending.splice(0);
      if (rest.length) setLines(ls => ls.concat(rest).slice(-MAX_LINES));
    };
  }, [
    api,
    componentRef,
    environment,
    pod,
    container,
    previous,
    follow,
    attempt,
  ]);

  const retry = useCallback(() => setAttempt(a => a + 1), []);
  const clear = useCallback(() => setLines([]), []);
  return { lines, pods, notices, state, error, follow, retry, clear };
}
