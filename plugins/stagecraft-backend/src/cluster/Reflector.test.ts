import { Reflector, ReflectorTransport } from './Reflector';

type Obj = { metadata: { name: string; resourceVersion?: string } };
const obj = (name: string, rv: string): Obj => ({
  metadata: { name, resourceVersion: rv },
});

/** A scripted API server: list pages and watch streams the test drives. */
function fakeServer(
  pages: Array<() => { items: Obj[]; rv: string; cont?: string }>,
) {
  const lists: Array<Record<string, string | number>> = [];
  const watches: Array<{
    query: Record<string, string | number | boolean>;
    emit: (type: string, object: any) => void;
    end: (err?: unknown) => void;
    aborted: boolean;
  }> = [];
  let page = 0;
  const transport: ReflectorTransport = {
    async list(_path, query) {
      lists.push(query);
      const p = pages[Math.min(page++, pages.length - 1)]();
      return {
        items: p.items,
        metadata: { resourceVersion: p.rv, continue: p.cont },
      };
    },
    async watch(_path, query, onEvent, onDone) {
      const w = {
        query,
        emit: onEvent,
        end: onDone,
        aborted: false,
      };
      watches.push(w);
      return () => {
        w.aborted = true;
      };
    },
  };
  return { transport, lists, watches };
}

/** 5 ms of fake time: the retries (1 ms back-off) and their promises run, however busy the machine. */
const tick = () => jest.advanceTimersByTimeAsync(5);

function reflectorOn(transport: ReflectorTransport) {
  const seen: string[] = [];
  let items: string[] = [];
  const r = new Reflector<Obj>({
    path: '/api/v1/pods',
    labelSelector: 'a=b',
    transport,
    pageSize: 2,
    initialBackoffMs: 1,
    project: raw => raw,
    handlers: {
      replace: all => {
        items = all.map(o => o.metadata.name);
        seen.push(`replace:${items.join(',')}`);
      },
      apply: (type, o) => seen.push(`${type}:${o.metadata.name}`),
    },
  });
  return { r, seen, items: () => items };
}

describe('Reflector', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lists every page, then watches from the list resourceVersion with bookmarks', async () => {
    const server = fakeServer([
      () => ({ items: [obj('a', '5'), obj('b', '6')], rv: '10', cont: 'c1' }),
      () => ({ items: [obj('c', '7')], rv: '10' }),
    ]);
    const { r, seen } = reflectorOn(server.transport);
    await r.start();
    await tick();
    expect(server.lists).toEqual([
      { labelSelector: 'a=b', limit: 2 },
      { labelSelector: 'a=b', limit: 2, continue: 'c1' },
    ]);
    expect(seen).toEqual(['replace:a,b,c']);
    expect(server.watches).toHaveLength(1);
    expect(server.watches[0].query).toMatchObject({
      labelSelector: 'a=b',
      resourceVersion: '10',
      allowWatchBookmarks: true,
    });
    r.stop();
  });

  it('resumes a dropped watch from the last resourceVersion (event or bookmark), without relisting', async () => {
    const server = fakeServer([() => ({ items: [obj('a', '5')], rv: '10' })]);
    const { r, seen } = reflectorOn(server.transport);
    await r.start();
    await tick();
    server.watches[0].emit('MODIFIED', obj('a', '11'));
    server.watches[0].emit('BOOKMARK', { metadata: { resourceVersion: '15' } });
    server.watches[0].end(new Error('socket hang up'));
    await tick();
    expect(server.watches).toHaveLength(2);
    expect(server.watches[1].query.resourceVersion).toBe('15');
    // a normal close (server timeout) resumes too
    server.watches[1].emit('ADDED', obj('b', '16'));
    server.watches[1].end();
    await tick();
    expect(server.watches[2].query.resourceVersion).toBe('16');
    expect(server.lists).toHaveLength(1);
    expect(seen).toEqual(['replace:a', 'MODIFIED:a', 'ADDED:b']);
    expect(r.getStats()).toMatchObject({
      lists: 1,
      relists: 0,
      resumes: 2,
      events: 2,
      bookmarks: 1,
      resourceVersion: '16',
    });
    r.stop();
  });

  it('relists on 410 Gone (as a watch ERROR event or an HTTP status) and replaces the collection', async () => {
    let generation = 0;
    const server = fakeServer([
      () =>
        generation++ === 0
          ? { items: [obj('a', '5'), obj('b', '6')], rv: '10' }
          : { items: [obj('b', '30'), obj('c', '31')], rv: '40' },
    ]);
    const { r, seen } = reflectorOn(server.transport);
    await r.start();
    await tick();
    server.watches[0].emit('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 10 (25)',
    });
    await tick();
    expect(server.watches[0].aborted).toBe(true);
    expect(server.lists).toHaveLength(2);
    expect(seen).toEqual(['replace:a,b', 'replace:b,c']);
    expect(server.watches.at(-1)!.query.resourceVersion).toBe('40');
    // the same for a watch refused with HTTP 410
    server.watches
      .at(-1)!
      .end(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await tick();
    expect(server.lists).toHaveLength(3);
    expect(r.getStats().relists).toBe(2);
    r.stop();
  });

  it('retries a failed list with backoff and stops cleanly', async () => {
    let calls = 0;
    const server = fakeServer([
      () => {
        calls++;
        if (calls < 3) throw new Error('connection refused');
        return { items: [obj('a', '1')], rv: '2' };
      },
    ]);
    const errors: string[] = [];
    const r = new Reflector<Obj>({
      path: '/x',
      transport: server.transport,
      initialBackoffMs: 1,
      project: raw => raw,
      handlers: { replace: () => undefined, apply: () => undefined },
      onError: what => errors.push(what),
    });
    await r.start();
    await jest.advanceTimersByTimeAsync(50);
    expect(calls).toBe(3);
    expect(errors).toEqual(['list', 'list']);
    expect(server.watches).toHaveLength(1);
    r.stop();
    expect(server.watches[0].aborted).toBe(true);
    server.watches[0].end();
    await tick();
    expect(server.watches).toHaveLength(1);
  });
});
