import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  BackendFeature,
  createBackendModule,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  EventsService,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  Environment,
  ENVIRONMENT_EVENTS_TOPIC,
  EnvironmentChangeEvent,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  StagecraftClient,
  stagecraftClientServiceRef,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleStagecraft } from './module';

// a real catalog processes in a loop; see poll() below
jest.setTimeout(60_000);

const envYaml = (name: string, extra = 'tier: staging') => `
apiVersion: stagecraft.io/v1alpha1
kind: Environment
metadata:
  name: ${name}
spec:
  ${extra}
  owner: group:default/payments
  system: payments
  cluster: local
  namespace: ${name.toLowerCase().replace(/_/g, '-')}
`;

// Lets the test register `file` locations (the default allows only `url`).
const allowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['file']);
      },
    });
  },
});

describe('catalogModuleStagecraft in a real catalog', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-catalog-'));
    fs.writeFileSync(path.join(dir, 'good.yaml'), envYaml('payments-staging'));
    fs.writeFileSync(path.join(dir, 'bad-name.yaml'), envYaml('Prod_Env'));
    fs.writeFileSync(path.join(dir, 'no-tier.yaml'), envYaml('no-tier', ''));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function start(extra: Record<string, unknown> = {}) {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleStagecraft,
        allowFileLocations,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Environment', 'Location'] }],
              ...extra,
            },
          },
        }),
      ],
    });
    return server;
  }

  const dryRun = (server: any, file: string) =>
    request(server)
      .post('/api/catalog/locations?dryRun=true')
      .send({ type: 'file', target: path.join(dir, file) });

  it('ingests a valid Environment and stitches its relations', async () => {
    const server = await start({
      locations: [{ type: 'file', target: path.join(dir, 'good.yaml') }],
    });
    const env: any = await poll(
      async () => {
        const res = await request(server).get(
          '/api/catalog/entities/by-name/environment/default/payments-staging',
        );
        return res.status === 200 ? res.body : undefined;
      },
      e => !!e?.relations?.length,
    );
    expect(env.spec).toMatchObject({ tier: 'staging', cluster: 'local' });
    expect(
      env.relations.map((r: any) => `${r.type} ${r.targetRef}`).sort(),
    ).toEqual([
      'ownedBy group:default/payments',
      'partOf system:default/payments',
    ]);
  });

  it('refuses metadata.name Prod_Env with a message naming the field', async () => {
    const server = await start();
    const res = await dryRun(server, 'bad-name.yaml');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /metadata\.name "Prod_Env" is not a valid DNS-1123 label/,
    );
  });

  it('refuses an Environment without spec.tier', async () => {
    const server = await start();
    const res = await dryRun(server, 'no-tier.yaml');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/spec\.tier is required/);
  });
});

function environment(name: string, cluster = 'local'): Environment {
  return {
    name,
    type: 'development',
    tier: 'development',
    cluster,
    namespace: name,
    owner: 'group:default/payments',
    system: 'payments',
    quota: { cpu: '2', memory: '4Gi', pods: 20 },
    phase: 'Ready',
    createdBy: 'user:default/alice',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

/**
 * Stands in for the stagecraft backend on the events side: a plugin whose
 * (real, shared) events service the test publishes change events with.
 */
function eventPublisher(pluginId = 'stagecraft') {
  let events: EventsService | undefined;
  const feature = createBackendPlugin({
    pluginId,
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init(deps) {
          events = deps.events;
        },
      });
    },
  });
  const publish = (eventPayload: EnvironmentChangeEvent) =>
    events!.publish({ topic: ENVIRONMENT_EVENTS_TOPIC, eventPayload });
  return { feature, publish };
}

/** A StagecraftClient whose list answers from `environments`. */
function fakeClient(environments: () => Environment[]) {
  const client: Pick<StagecraftClient, 'listEnvironments'> = {
    listEnvironments: async () => environments(),
  };
  return createServiceFactory({
    service: stagecraftClientServiceRef,
    deps: {},
    factory: () => client as StagecraftClient,
  });
}

/** Polls `read` until `done` holds for its result, for at most `timeoutMs`. */
// a real catalog's processing loop on a loaded 2-core machine took over 10 s
// once (CI runs the unit suites in parallel workers): the deadline is 25 s,
// under the tests' own timeout (set at the top of this file)
async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 25_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('provisioned environments in a real catalog', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-provider-'));
    fs.writeFileSync(
      path.join(dir, 'declared.yaml'),
      [envYaml('payments-dev'), envYaml('payments-qa')].join('\n---\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function start(options: {
    features: BackendFeature[];
    locations?: Array<{ type: string; target: string }>;
  }) {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleStagecraft,
        allowFileLocations,
        // the real events service, shared by all plugins as in production
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            events: { useEventBus: 'never' },
            catalog: {
              rules: [{ allow: ['Environment', 'Location'] }],
              locations: options.locations ?? [],
            },
          },
        }),
        ...options.features,
      ],
    });
    return server;
  }

  /** Every Environment entity, as `name managed-by-location`. */
  const environments = async (server: any): Promise<string[]> => {
    const res = await request(server).get(
      '/api/catalog/entities?filter=kind=environment',
    );
    expect(res.status).toBe(200);
    return res.body
      .map(
        (e: any) =>
          `${e.metadata.name} ${e.metadata.annotations['backstage.io/managed-by-location']}`,
      )
      .sort();
  };
  const named = (name: string) => (list: string[]) =>
    list.some(e => e.startsWith(`${name} `));

  it('lists provisioned environments on startup and follows upsert and delete events', async () => {
    const publisher = eventPublisher();
    const server = await start({
      features: [
        publisher.feature,
        fakeClient(() => [environment('payments-dev')]),
      ],
    });

    expect(
      await poll(() => environments(server), named('payments-dev')),
    ).toEqual(['payments-dev stagecraft:cluster/local']);

    await publisher.publish({
      type: 'upsert',
      cluster: 'local',
      environment: environment('payments-preview-1'),
    });
    expect(
      await poll(
        () => environments(server),
        named('payments-preview-1'),
        5_000,
      ),
    ).toEqual([
      'payments-dev stagecraft:cluster/local',
      'payments-preview-1 stagecraft:cluster/local',
    ]);

    await publisher.publish({
      type: 'delete',
      cluster: 'local',
      name: 'payments-dev',
    });
    expect(
      await poll(
        () => environments(server),
        list => !named('payments-dev')(list),
        5_000,
      ),
    ).toEqual(['payments-preview-1 stagecraft:cluster/local']);
  });

  it('keeps one entity when YAML declares an environment that is then provisioned', async () => {
    const publisher = eventPublisher();
    const yaml = path.join(dir, 'declared.yaml');
    const server = await start({
      features: [publisher.feature, fakeClient(() => [])],
      locations: [{ type: 'file', target: yaml }],
    });
    await poll(() => environments(server), named('payments-qa'));

    // payments-preview-1 is in the same full mutation: once it shows, the
    // claim on payments-dev has been decided.
    await publisher.publish({
      type: 'full',
      cluster: 'local',
      environments: [
        environment('payments-dev'),
        environment('payments-preview-1'),
      ],
    });
    const list = await poll(
      () => environments(server),
      named('payments-preview-1'),
    );
    expect(list).toEqual([
      `payments-dev file:${yaml}`,
      `payments-preview-1 stagecraft:cluster/local`,
      `payments-qa file:${yaml}`,
    ]);

    // deleting the provisioned one does not delete the declared one
    await publisher.publish({
      type: 'delete',
      cluster: 'local',
      name: 'payments-dev',
    });
    await publisher.publish({
      type: 'delete',
      cluster: 'local',
      name: 'payments-preview-1',
    });
    expect(
      await poll(
        () => environments(server),
        l => !named('payments-preview-1')(l),
      ),
    ).toEqual([`payments-dev file:${yaml}`, `payments-qa file:${yaml}`]);
  });

  it('keeps one entity when an environment is provisioned and then declared in YAML', async () => {
    const yaml = path.join(dir, 'declared.yaml');
    const server = await start({
      features: [
        eventPublisher().feature,
        fakeClient(() => [environment('payments-dev')]),
      ],
    });
    await poll(() => environments(server), named('payments-dev'));

    const res = await request(server)
      .post('/api/catalog/locations')
      .send({ type: 'file', target: yaml });
    expect(res.status).toBe(201);

    const list = await poll(() => environments(server), named('payments-qa'));
    expect(list).toEqual([
      'payments-dev stagecraft:cluster/local',
      `payments-qa file:${yaml}`,
    ]);
  });

  it('keeps the catalog working without the stagecraft backend plugin', async () => {
    // No stagecraft plugin and no client override: the real client gets 404s
    // and keeps retrying in the background while events still get through.
    const publisher = eventPublisher('some-other-plugin');
    const server = await start({ features: [publisher.feature] });

    expect(await environments(server)).toEqual([]);
    await publisher.publish({
      type: 'upsert',
      cluster: 'local',
      environment: environment('payments-dev'),
    });
    expect(
      await poll(() => environments(server), named('payments-dev'), 5_000),
    ).toEqual(['payments-dev stagecraft:cluster/local']);
  });
});
