import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { readServerSentEvents, ServerSentEvent } from './sse';

/** What a stream needs: the backend's URL and a fetch that sends the user's token. */
export interface StreamDeps {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}

/**
 * Opens a `text/event-stream` of the Stagecraft backend with the signed-in
 * user's token (EventSource cannot send it); throws the backend's error
 * answer. Aborting `signal` ends the request, so the backend closes what it
 * streams from.
 */
export async function openEventStream(
  deps: StreamDeps,
  path: string,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const baseUrl = await deps.discoveryApi.getBaseUrl('stagecraft');
  const response = await deps.fetchApi.fetch(`${baseUrl}${path}`, {
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok) throw await ResponseError.fromResponse(response);
  if (!response.body) throw new Error('The event stream has no body');
  return response.body;
}

/**
 * How a stream is opened: its events to `onEvent`, its state to `listener`;
 * gives its stop function.
 */
type EventStream<Listener> = (
  deps: StreamDeps,
  path: string,
  onEvent: (event: ServerSentEvent) => void,
  listener: Listener & { onError?(error: Error): void },
) => () => void;

/** What a stream's reader gets: its opening, its events' and state's callbacks, and its stop signal. */
interface StreamRun<Listener> {
  open: () => Promise<ReadableStream<Uint8Array>>;
  onEvent: (event: ServerSentEvent) => void;
  listener: Listener & { onError?(error: Error): void };
  signal: AbortSignal;
}

/** An EventStream that runs `read` until it ends or is stopped. */
function eventStream<Listener>(
  read: (run: StreamRun<Listener>) => Promise<void>,
): EventStream<Listener> {
  return (deps, path, onEvent, listener) => {
    const controller = new AbortController();
    const { signal } = controller;
    read({
      open: () => openEventStream(deps, path, signal),
      onEvent,
      listener,
      signal,
    });
    return () => controller.abort();
  };
}

/**
 * A server-sent event stream that reconnects with back-off when it breaks
 * (not after a 4xx: that will not heal by itself); returns its stop function.
 */
export const watchEventStream = eventStream<{ onOpen?(): void }>(
  async ({ open, onEvent, listener, signal }) => {
    let attempt = 0;
    const connect = async (): Promise<void> => {
      const body = await open();
      attempt = 0;
      listener.onOpen?.();
      await readServerSentEvents(body, onEvent);
      throw new Error('The event stream ended');
    };
    while (!signal.aborted) {
      try {
        await connect();
      } catch (e) {
        if (signal.aborted) return;
        listener.onError?.(e as Error);
        const status = (e as ResponseError).response?.status;
        if (status && status >= 400 && status < 500) return;
        attempt += 1;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
        await new Promise(r => setTimeout(r, delay));
      }
    }
  },
);

/**
 * A server-sent event stream read once to its end (no reconnect): its
 * events to `onEvent` until stopped, then `onClose`, or `onError` when it
 * cannot be opened or breaks; returns its stop function.
 */
export const readEventStream = eventStream<{ onClose?(): void }>(
  async ({ open, onEvent, listener, signal }) => {
    try {
      const body = await open();
      await readServerSentEvents(body, event => {
        if (!signal.aborted) onEvent(event);
      });
      if (!signal.aborted) listener.onClose?.();
    } catch (e) {
      if (!signal.aborted) listener.onError?.(e as Error);
    }
  },
);
