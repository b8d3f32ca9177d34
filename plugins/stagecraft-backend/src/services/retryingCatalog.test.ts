import type { CatalogService } from '@backstage/plugin-catalog-node';
import { retryingCatalog } from './retryingCatalog';

const reset = () =>
  Object.assign(
    new Error(
      'request to http://localhost/api/catalog failed, reason: socket hang up',
    ),
    {
      name: 'FetchError',
      type: 'system',
      errno: 'ECONNRESET',
      code: 'ECONNRESET',
    },
  );

function fakeCatalog(failures: Array<() => Error>) {
  const calls = { getEntityByRef: 0, addLocation: 0 };
  const catalog = {
    async getEntityByRef(ref: string) {
      calls.getEntityByRef++;
      const fail = failures.shift();
      if (fail) throw fail();
      return { kind: 'Component', metadata: { name: ref } };
    },
    async addLocation() {
      calls.addLocation++;
      throw reset();
    },
  } as unknown as CatalogService;
  return { catalog, calls };
}

const options = { credentials: {} as any };

describe('retryingCatalog', () => {
  it('sends a read again when the connection was reset before an answer', async () => {
    const { catalog, calls } = fakeCatalog([reset, reset]);
    await expect(
      retryingCatalog(catalog).getEntityByRef('component:default/a', options),
    ).resolves.toMatchObject({ metadata: { name: 'component:default/a' } });
    expect(calls.getEntityByRef).toBe(3);
  });

  it('answers 503 when the catalog stays unreachable', async () => {
    const { catalog, calls } = fakeCatalog([reset, reset, reset, reset]);
    await expect(
      retryingCatalog(catalog).getEntityByRef('component:default/a', options),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^the catalog could not be reached: .*socket hang up/,
      ),
    });
    expect(calls.getEntityByRef).toBe(3);
  });

  it("passes the catalog's own answers and errors through at once", async () => {
    const { catalog, calls } = fakeCatalog([
      () => Object.assign(new Error('nope'), { name: 'NotAllowedError' }),
    ]);
    await expect(
      retryingCatalog(catalog).getEntityByRef('component:default/a', options),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(calls.getEntityByRef).toBe(1);
  });

  it('calls every method on the catalog itself (private fields work)', async () => {
    class WithPrivate {
      #calls = 0;
      async getEntityByRef() {
        this.#calls++;
        return { kind: 'Component', calls: this.#calls };
      }
      async removeEntityByUid() {
        this.#calls++;
      }
    }
    const catalog = retryingCatalog(
      new WithPrivate() as unknown as CatalogService,
    );
    await expect(
      catalog.removeEntityByUid('u', options),
    ).resolves.toBeUndefined();
    await expect(
      catalog.getEntityByRef('component:default/a', options),
    ).resolves.toMatchObject({ calls: 2 });
  });

  it('never sends a write twice', async () => {
    const { catalog, calls } = fakeCatalog([]);
    await expect(
      retryingCatalog(catalog).addLocation(
        { type: 'url', target: 'x' },
        options,
      ),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(calls.addLocation).toBe(1);
  });
});
