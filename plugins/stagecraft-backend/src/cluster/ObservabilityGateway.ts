import fetch, { Headers } from 'node-fetch';
import { ApiException, Watch } from '@kubernetes/client-node';
import { NotFoundError } from '../domain/errors';
import type {
  ClusterEventSource,
  KubeEvent,
  PodLogRequest,
  PodLogSource,
} from '../domain/observability/ports';
import type { KubernetesClusterGateway } from './KubernetesClusterGateway';
import { forgetCredentials } from './clusterAuth';
import { toDomainError } from './clusterErrors';
import { sharedAgent } from './agents';

/** How long opening a log that is not followed may take before the cluster counts as unavailable. */
const OPEN_TIMEOUT_MS = 15_000;
/** Wait before a dropped events watch lists and watches again. */
const REWATCH_DELAY_MS = 1000;

/** The API server's message of an error answer (its Status body). */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.split('\n')[0].slice(0, 500);
}

/** A core/v1 Event (raw JSON) as the domain reads it. */
export function toKubeEvent(raw: any): KubeEvent {
  return {
    uid: String(raw?.metadata?.uid ?? raw?.metadata?.name ?? ''),
    type: String(raw?.type ?? 'Normal'),
    reason: String(raw?.reason ?? ''),
    message: String(raw?.message ?? raw?.note ?? ''),
    involvedObject: {
      kind: String(raw?.involvedObject?.kind ?? raw?.regarding?.kind ?? ''),
      name: String(raw?.involvedObject?.name ?? raw?.regarding?.name ?? ''),
    },
    ...(typeof raw?.count === 'number' && { count: raw.count }),
    ...(raw?.firstTimestamp && { firstTimestamp: String(raw.firstTimestamp) }),
    ...(raw?.lastTimestamp && { lastTimestamp: String(raw.lastTimestamp) }),
    ...(raw?.eventTime && { eventTime: String(raw.eventTime) }),
    ...(raw?.series?.lastObservedTime && {
      seriesLastObserved: String(raw.series.lastObservedTime),
    }),
    ...(typeof raw?.series?.count === 'number' && {
      seriesCount: raw.series.count,
    }),
  };
}

/** Splits a byte stream into lines (without their newline). */
async function* linesOf(
  body: AsyncIterable<Buffer | string>,
): AsyncIterable<string> {
  let rest = '';
  for await (const chunk of body) {
    rest += chunk.toString();
    let i = rest.indexOf('\n');
    while (i >= 0) {
      yield rest.slice(0, i);
      rest = rest.slice(i + 1);
      i = rest.indexOf('\n');
    }
  }
  if (rest) yield rest;
}

/**
 * Pod logs and events of the real clusters: `GET pods/{pod}/log` streamed
 * (the request is aborted when the consumer goes away, which closes the API
 * server's connection to the kubelet), and core/v1 Events listed through the
 * gateway's retry policy or watched with client-node's Watch.
 */
export class ObservabilityGateway implements PodLogSource, ClusterEventSource {
  constructor(private readonly gateway: KubernetesClusterGateway) {}

  async openPodLog(
    cluster: string,
    r: PodLogRequest,
    signal: AbortSignal,
  ): Promise<AsyncIterable<string>> {
    const kc = this.gateway.kubeConfig(cluster);
    const url = new URL(
      `${kc.getCurrentCluster()!.server}/api/v1/namespaces/${encodeURIComponent(
        r.namespace,
      )}/pods/${encodeURIComponent(r.pod)}/log`,
    );
    url.searchParams.set('container', r.container);
    url.searchParams.set('timestamps', 'true');
    if (r.follow) url.searchParams.set('follow', 'true');
    if (r.previous) url.searchParams.set('previous', 'true');
    if (r.tailLines !== undefined)
      url.searchParams.set('tailLines', String(r.tailLines));
    if (r.sinceSeconds !== undefined) {
      url.searchParams.set('sinceSeconds', String(r.sinceSeconds));
    }
    let response;
    for (let fresh = false; ; fresh = true) {
      const init = await kc.applyToFetchOptions({});
      init.agent = sharedAgent(init.agent);
      const headers = init.headers as unknown as Headers;
      headers.set('Accept', '*/*');
      const opened = new AbortController();
      const abort = () => opened.abort();
      signal.addEventListener('abort', abort, { once: true });
      // a follow's answer starts with its first line (the kubelet writes
      // its headers then), so only a read that ends has an open timeout
      const timer = r.follow ? undefined : setTimeout(abort, OPEN_TIMEOUT_MS);
      try {
        response = await fetch(url.toString(), {
          ...init,
          headers,
          signal: opened.signal as any,
        });
      } catch (e) {
        signal.removeEventListener('abort', abort);
        throw toDomainError(cluster, e);
      } finally {
        clearTimeout(timer);
      }
      if (response.status === 401 && !fresh) {
        signal.removeEventListener('abort', abort);
        await response.text().catch(() => '');
        forgetCredentials(kc);
        continue;
      }
      break;
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const message = messageOf(text);
      // no such container, or no previous instance of it: not there
      if (response.status === 400 || response.status === 404) {
        throw new NotFoundError(`cluster ${cluster}: ${message}`);
      }
      throw toDomainError(
        cluster,
        new ApiException(response.status, `HTTP ${response.status}`, text, {}),
      );
    }
    const body = response.body as unknown as AsyncIterable<Buffer> & {
      destroy(): void;
    };
    if (signal.aborted) body.destroy();
    signal.addEventListener('abort', () => body.destroy(), { once: true });
    return (async function* lines() {
      try {
        for await (const line of linesOf(body)) yield line;
      } catch (e) {
        if (!signal.aborted) throw toDomainError(cluster, e);
      } finally {
        body.destroy();
      }
    })();
  }

  async listEvents(cluster: string, namespace: string): Promise<KubeEvent[]> {
    const list = await this.gateway.listEvents(cluster, namespace);
    return (list.items ?? []).map(toKubeEvent);
  }

  async watchEvents(
    cluster: string,
    namespace: string,
    onEvents: (events: KubeEvent[]) => void,
    onError: (e: Error) => void,
  ): Promise<() => void> {
    let stopped = false;
    let current: AbortController | undefined;
    let retry: NodeJS.Timeout | undefined;
    const known = new Map<string, KubeEvent>();
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
    const start = async (): Promise<void> => {
      const list = await this.gateway.listEvents(cluster, namespace);
      known.clear();
      for (const raw of list.items ?? []) {
        const e = toKubeEvent(raw);
        known.set(e.uid, e);
      }
      if (stopped) return;
      onEvents([...known.values()]);
      current = await new Watch(this.gateway.kubeConfig(cluster)).watch(
        path,
        {
          resourceVersion: list.metadata?.resourceVersion,
          allowWatchBookmarks: true,
        },
        (phase, obj) => {
          if (phase === 'BOOKMARK' || phase === 'ERROR') return;
          const e = toKubeEvent(obj);
          if (phase === 'DELETED') known.delete(e.uid);
          else known.set(e.uid, e);
          onEvents([...known.values()]);
        },
        () => {
          // dropped (or expired, 410): list and watch again
          if (stopped) return;
          retry = setTimeout(() => {
            start().catch(e => !stopped && onError(e));
          }, REWATCH_DELAY_MS);
        },
      );
      if (stopped) current.abort();
    };
    await start();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      current?.abort();
    };
  }
}
