import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createRouter } from './router';
import { InMemoryClusterGateway } from './__testUtils__/InMemoryClusterGateway';

/** Every route the router serves is in openapi.yaml, and nothing else is. */
describe('openapi.yaml', () => {
  it('documents exactly the routes of the router', async () => {
    const spec = parse(
      fs.readFileSync(path.resolve(__dirname, 'schema/openapi.yaml'), 'utf8'),
    );
    const documented = Object.entries(
      spec.paths as Record<string, Record<string, unknown>>,
    )
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter(m => m !== 'parameters')
          .map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const router = await createRouter({
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
