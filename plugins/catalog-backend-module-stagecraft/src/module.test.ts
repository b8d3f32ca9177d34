import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleStagecraft } from './module';

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
    let env: any;
    for (let i = 0; i < 100 && !env?.relations?.length; i++) {
      const res = await request(server).get(
        '/api/catalog/entities/by-name/environment/default/payments-staging',
      );
      env = res.status === 200 ? res.body : undefined;
      if (!env?.relations?.length) await new Promise(r => setTimeout(r, 100));
    }
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
