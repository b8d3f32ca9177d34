import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createRouter } from './router';
import { spec } from './schema/openapi';
import { InMemoryClusterGateway } from './__testUtils__/InMemoryClusterGateway';

const yaml = parse(
  fs.readFileSync(path.resolve(__dirname, 'schema/openapi.yaml'), 'utf8'),
);

const routerOf = () =>
  createRouter({
    httpAuth: mockServices.httpAuth(),
    logger: mockServices.logger.mock(),
    gateway: new InMemoryClusterGateway(),
    environmentTypes: [],
    environments: {} as never,
    deployments: {} as never,
    config: {} as never,
    secrets: {} as never,
    resources: {} as never,
    manifests: {} as never,
    approvals: {} as never,
    operations: {} as never,
    clones: {} as never,
    teardown: {} as never,
    actions: {} as never,
    logs: {} as never,
    events: {} as never,
    healthTimeoutMs: 1000,
  });

describe('src/schema/openapi.yaml', () => {
  /**
   * The router's types and its request validation come from the generated
   * module; regenerate it with `yarn workspace
   * @stagecraft/backstage-plugin-stagecraft-backend schema:generate` (needs
   * Java) whenever the spec changes.
   */
  it('is what the generated module (src/schema/openapi/generated) was made from', () => {
    expect(JSON.parse(JSON.stringify(spec))).toEqual(yaml);
  });

  it('documents exactly the routes of the router', async () => {
    const documented = Object.entries(
      yaml.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter(m => m !== 'parameters')
          .map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      // the spec itself, served by the generated router
      .concat('GET /openapi.json')
      .sort();
    const router = await routerOf();
    const served = (router as unknown as { stack: any[] }).stack
      .filter(layer => layer.route)
      .flatMap(layer =>
        Object.keys(layer.route.methods).map(
          // `:path(*)` (a wildcard) is `{path}` in OpenAPI
          m => `${m.toUpperCase()} ${layer.route.path.replace('(*)', '')}`,
        ),
      )
      .sort();
    expect(served).toEqual(documented);
  });
});
