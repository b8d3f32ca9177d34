import { mockServices } from '@backstage/backend-test-utils';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import type { EventsServiceSubscribeOptions } from '@backstage/plugin-events-node';
import {
  Environment,
  ENVIRONMENT_EVENTS_TOPIC,
  EnvironmentChangeEvent,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { EnvironmentEntityProvider } from './EnvironmentEntityProvider';

function environment(
  name: string,
  cluster = 'local',
  extra: Partial<Environment> = {},
): Environment {
  return {
    name,
    type: 'development',
    tier: 'development',
    cluster,
    namespace: name,
    owner: 'group:default/payments',
    quota: { cpu: '2', memory: '4Gi', pods: 20 },
    phase: 'Ready',
    createdBy: 'user:default/alice',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

/** Waits until `check` stops throwing (or rethrows after 10 s, however busy the machine). */
async function eventually(check: () => void, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 10));
    }
  }
}

function setup(list: () => Promise<Environment[]>) {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: jest.fn(async m => {
      mutations.push(m);
    }),
    refresh: jest.fn(),
  };
  let subscriber: EventsServiceSubscribeOptions | undefined;
  const listEnvironments = jest.fn(list);
  const logger = mockServices.logger.mock();
  const provider = new EnvironmentEntityProvider({
    client: { listEnvironments },
    auth: mockServices.auth(),
    events: {
      subscribe: async options => {
        subscriber = options;
      },
    },
    logger,
    backoff: { startingDelay: 5, maxDelay: 20, numOfAttempts: 5 },
  });
  const publish = (event: EnvironmentChangeEvent) =>
    subscriber!.onEvent({
      topic: ENVIRONMENT_EVENTS_TOPIC,
      eventPayload: event,
    });
  const last = () => mutations[mutations.length - 1];
  return {
    provider,
    connection,
    mutations,
    last,
    publish,
    listEnvironments,
    logger,
    subscriber: () => subscriber,
  };
}

/** `<name>@<locationKey>` of the entities a full mutation carries. */
function fullNames(m: EntityProviderMutation | undefined) {
  if (m?.type !== 'full') throw new Error(`expected full, got ${m?.type}`);
  return m.entities.map(e => `${e.entity.metadata.name}@${e.locationKey}`);
}

describe('EnvironmentEntityProvider', () => {
  it('lists every environment on connect with its own service credentials', async () => {
    const t = setup(async () => [
      environment('payments-dev'),
      environment('payments-prod', 'prod', {
        tier: 'production',
        system: 'payments',
        promotesTo: undefined,
      }),
    ]);
    expect(t.provider.getProviderName()).toBe('stagecraft-environments');
    await t.provider.connect(t.connection);

    await eventually(() => expect(t.mutations).toHaveLength(1));
    expect(t.listEnvironments).toHaveBeenCalledWith({
      credentials: expect.objectContaining({
        principal: { type: 'service', subject: 'plugin:test' },
      }),
    });
    expect(t.subscriber()?.topics).toEqual([ENVIRONMENT_EVENTS_TOPIC]);
    expect(fullNames(t.last())).toEqual([
      'payments-dev@stagecraft:local',
      'payments-prod@stagecraft:prod',
    ]);
    const mutation = t.last() as Extract<
      EntityProviderMutation,
      { type: 'full' }
    >;
    expect(mutation.entities[1].entity).toEqual({
      apiVersion: 'stagecraft.io/v1alpha1',
      kind: 'Environment',
      metadata: {
        name: 'payments-prod',
        namespace: 'default',
        annotations: {
          'stagecraft.io/managed': 'true',
          'backstage.io/managed-by-location': 'stagecraft:cluster/prod',
          'backstage.io/managed-by-origin-location': 'stagecraft:cluster/prod',
        },
      },
      spec: {
        tier: 'production',
        type: 'development',
        owner: 'group:default/payments',
        cluster: 'prod',
        namespace: 'payments-prod',
        system: 'payments',
      },
    });
  });

  it('applies upsert and delete events as delta mutations', async () => {
    const t = setup(async () => [environment('payments-dev')]);
    await t.provider.connect(t.connection);
    await eventually(() => expect(t.mutations).toHaveLength(1));

    await t.publish({
      type: 'upsert',
      cluster: 'local',
      environment: environment('payments-preview-1', 'local', {
        tier: 'preview',
      }),
    });
    expect(t.last()).toMatchObject({
      type: 'delta',
      added: [
        {
          locationKey: 'stagecraft:local',
          entity: {
            metadata: { name: 'payments-preview-1' },
            spec: { tier: 'preview' },
          },
        },
      ],
      removed: [],
    });

    await t.publish({ type: 'delete', cluster: 'local', name: 'payments-dev' });
    expect(t.last()).toEqual({
      type: 'delta',
      added: [],
      removed: [{ entityRef: 'environment:default/payments-dev' }],
    });
  });

  it('replaces one cluster on a full event and keeps the other clusters', async () => {
    const t = setup(async () => [
      environment('a-dev', 'a'),
      environment('a-old', 'a'),
      environment('b-dev', 'b'),
    ]);
    await t.provider.connect(t.connection);
    await eventually(() => expect(t.mutations).toHaveLength(1));

    await t.publish({
      type: 'full',
      cluster: 'a',
      environments: [environment('a-dev', 'a'), environment('a-new', 'a')],
    });
    expect(fullNames(t.last())).toEqual([
      'a-dev@stagecraft:a',
      'a-new@stagecraft:a',
      'b-dev@stagecraft:b',
    ]);

    // an upsert after that is remembered for the next full of another cluster
    await t.publish({
      type: 'upsert',
      cluster: 'b',
      environment: environment('b-qa', 'b'),
    });
    await t.publish({ type: 'full', cluster: 'c', environments: [] });
    expect(fullNames(t.last())).toEqual([
      'a-dev@stagecraft:a',
      'a-new@stagecraft:a',
      'b-dev@stagecraft:b',
      'b-qa@stagecraft:b',
    ]);
  });

  it('retries with backoff until the stagecraft backend answers', async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      if (calls < 3) {
        throw Object.assign(new Error('Service Unavailable'), {
          statusCode: 503,
        });
      }
      return [environment('payments-dev')];
    });
    await t.provider.connect(t.connection);

    await eventually(() => expect(t.mutations).toHaveLength(1));
    expect(t.listEnvironments).toHaveBeenCalledTimes(3);
    expect(fullNames(t.last())).toEqual(['payments-dev@stagecraft:local']);
    expect(t.logger.warn).not.toHaveBeenCalled();
  });

  it('gives up with a warning and keeps following events without dropping unknown clusters', async () => {
    const t = setup(async () => {
      throw new Error('NotFoundError: no stagecraft plugin');
    });
    await t.provider.connect(t.connection);
    await eventually(() =>
      expect(t.logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/Gave up listing Stagecraft environments/),
      ),
    );
    expect(t.listEnvironments).toHaveBeenCalledTimes(5);
    expect(t.mutations).toEqual([]);

    // Without a complete list a full event for one cluster must not replace
    // what the catalog has for other clusters, so it becomes a delta.
    await t.publish({
      type: 'full',
      cluster: 'a',
      environments: [environment('a-dev', 'a'), environment('a-qa', 'a')],
    });
    expect(t.last()).toMatchObject({
      type: 'delta',
      added: [
        { entity: { metadata: { name: 'a-dev' } } },
        { entity: { metadata: { name: 'a-qa' } } },
      ],
      removed: [],
    });
    await t.publish({
      type: 'full',
      cluster: 'a',
      environments: [environment('a-dev', 'a')],
    });
    expect(t.last()).toMatchObject({
      type: 'delta',
      added: [{ entity: { metadata: { name: 'a-dev' } } }],
      removed: [{ entityRef: 'environment:default/a-qa' }],
    });
  });

  it('replays events that race the initial list on top of it', async () => {
    let answer!: (envs: Environment[]) => void;
    const t = setup(
      () =>
        new Promise<Environment[]>(resolve => {
          answer = resolve;
        }),
    );
    await t.provider.connect(t.connection);
    await eventually(() => expect(t.listEnvironments).toHaveBeenCalled());

    // published while the list request is in flight
    await t.publish({ type: 'delete', cluster: 'local', name: 'old' });
    await t.publish({
      type: 'upsert',
      cluster: 'local',
      environment: environment('new'),
    });
    // the list was taken before those changes
    answer([environment('old'), environment('kept')]);

    await eventually(() => expect(t.last()?.type).toBe('full'));
    expect(fullNames(t.last())).toEqual([
      'kept@stagecraft:local',
      'new@stagecraft:local',
    ]);
  });

  it('moves an environment reported by another cluster and ignores malformed events', async () => {
    const t = setup(async () => [environment('x', 'a')]);
    await t.provider.connect(t.connection);
    await eventually(() => expect(t.mutations).toHaveLength(1));

    await t.publish({
      type: 'full',
      cluster: 'b',
      environments: [environment('x', 'b')],
    });
    expect(fullNames(t.last())).toEqual(['x@stagecraft:b']);

    // a late delete from the old cluster does not remove it
    await t.publish({ type: 'delete', cluster: 'a', name: 'x' });
    expect(t.mutations).toHaveLength(2);

    await t.subscriber()!.onEvent({
      topic: ENVIRONMENT_EVENTS_TOPIC,
      eventPayload: { type: 'upsert', cluster: 'a' },
    });
    expect(t.mutations).toHaveLength(2);
    expect(t.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Ignoring malformed event/),
    );
  });

  it('stops retrying after stop()', async () => {
    jest.useFakeTimers();
    try {
      const t = setup(async () => {
        throw new Error('down');
      });
      await t.provider.connect(t.connection);
      await jest.advanceTimersByTimeAsync(0);
      expect(t.listEnvironments).toHaveBeenCalled();
      t.provider.stop();
      const calls = t.listEnvironments.mock.calls.length;
      // every backoff delay the 5 attempts could take (5–20 ms), and more
      await jest.advanceTimersByTimeAsync(10_000);
      expect(t.listEnvironments).toHaveBeenCalledTimes(calls);
      expect(calls).toBeLessThan(5);
      expect(t.logger.warn).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
