// Stagecraft's agent actions through a running backend's MCP endpoint (the
// mcp-actions plugin, the real actions registry and actions service, the real
// permission backend with the example policy) on the real control plane.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mockCredentials } from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  AuditorEventRecord,
  deleteNamespace,
  eventually,
  onBehalfOfUserAuth,
  startIntegrationBackend,
  untilInCatalog,
} from './__testUtils__/integration';
import { stagecraftExamplePolicyModule } from './permissions/examplePolicyModule';

jest.setTimeout(240_000);

const ENV = 'agents-dev';
const COMPONENT = 'component:default/agent-hello';
const WORKLOAD = `apiVersion: score.dev/v1b1
metadata:
  name: agent-hello
containers:
  main:
    image: registry.example.com/acme/agent-hello:1.0.0
`;
const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: agent-hello
  annotations:
    stagecraft.io/workload: ./workload.score.yaml
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;
// bob is in the owning team; eve is in no group: the example policy lets
// owners deploy to their development environments and nobody else
const GROUPS = {
  'user:default/bob': ['group:default/team-a'],
  'user:default/eve': [],
};

describe('agent actions over MCP, on the real control plane', () => {
  let server: Awaited<ReturnType<typeof startIntegrationBackend>>;
  let dir: string;
  const auditorEvents: AuditorEventRecord[] = [];
  const clients: Client[] = [];

  /** An MCP client of the backend's endpoint, signed in as `user`. */
  async function mcpAs(user: string) {
    const { port } = server.address() as AddressInfo;
    const client = new Client({ name: 'stagecraft-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://127.0.0.1:${port}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header(user) },
          },
        },
      ),
    );
    clients.push(client);
    return client;
  }
  const structured = (result: any) =>
    JSON.parse((result.content as Array<{ text: string }>)[0].text);

  beforeAll(async () => {
    await deleteNamespace(ENV);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-agents-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG);
    fs.writeFileSync(path.join(dir, 'workload.score.yaml'), WORKLOAD);
    server = await startIntegrationBackend({
      auditorEvents,
      groups: GROUPS,
      backend: { actions: { pluginSources: ['stagecraft'] } },
      features: [
        mcpActionsPlugin,
        permissionBackend,
        permissionsServiceFactory,
        stagecraftExamplePolicyModule,
        onBehalfOfUserAuth(),
      ],
      catalog: {
        locations: [
          { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
        ],
      },
      stagecraft: {
        examplePolicy: {
          enabled: true,
          platformGroup: 'group:default/platform',
        },
        environmentTypes: [{ name: 'development', tier: 'development' }],
      },
      extraConfig: { permission: { enabled: true } },
    });
    await request(server)
      .post('/api/stagecraft/environments')
      .set('Authorization', mockCredentials.user.header('user:default/bob'))
      .send({ name: ENV, type: 'development', owner: 'group:default/team-a' })
      .expect(201);
    await untilInCatalog(server, 'component', 'agent-hello');
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await deleteNamespace(ENV);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists Stagecraft actions with their schemas, the write actions saying they dry-run', async () => {
    const { tools } = await (await mcpAs('user:default/eve')).listTools();
    const names = tools
      .map(t => t.name)
      .filter(n => n.startsWith('stagecraft'));
    expect(names.sort()).toEqual([
      'stagecraft.deploy',
      'stagecraft.get-deployment-status',
      'stagecraft.get-logs',
      'stagecraft.list-environments',
      'stagecraft.promote',
      'stagecraft.rollback',
    ]);
    const deploy = tools.find(t => t.name === 'stagecraft.deploy')!;
    expect(deploy.description).toMatch(/dryRun/);
    expect(deploy.inputSchema.required).toEqual(['component', 'environment']);
    expect(Object.keys(deploy.inputSchema.properties!)).toContain('dryRun');
    const status = tools.find(
      t => t.name === 'stagecraft.get-deployment-status',
    )!;
    expect(status.annotations?.readOnlyHint).toBe(true);
  });

  it('lists environments and reads a component status as the caller', async () => {
    const client = await mcpAs('user:default/eve');
    const envs = structured(
      await client.callTool({
        name: 'stagecraft.list-environments',
        arguments: { tier: 'development' },
      }),
    );
    expect(envs.environments).toContainEqual(
      expect.objectContaining({
        name: ENV,
        owner: 'group:default/team-a',
        phase: 'Ready',
      }),
    );
    const status = structured(
      await client.callTool({
        name: 'stagecraft.get-deployment-status',
        arguments: { component: COMPONENT },
      }),
    );
    expect(status).toEqual({ deployments: [] });
  });

  it('refuses a deploy by a user the policy denies, changing nothing', async () => {
    const client = await mcpAs('user:default/eve');
    const result: any = await client.callTool({
      name: 'stagecraft.deploy',
      arguments: { component: COMPONENT, environment: ENV },
    });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/not allowed|may deploy/i);
    const history = await request(server)
      .get(
        `/api/stagecraft/components/${encodeURIComponent(
          COMPONENT,
        )}/history?environment=${ENV}`,
      )
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(history.body.items).toEqual([]);
    expect(auditorEvents).toContainEqual(
      expect.objectContaining({
        outcome: 'failed',
        meta: expect.objectContaining({ actor: 'user:default/eve' }),
      }),
    );
  });

  it('dry-runs, then deploys as the permitted user: a revision with them as actor and an audit row', async () => {
    const client = await mcpAs('user:default/bob');
    const dry = structured(
      await client.callTool({
        name: 'stagecraft.deploy',
        arguments: { component: COMPONENT, environment: ENV, dryRun: true },
      }),
    );
    expect(dry.outcome).toBe('dry-run');
    expect(dry.objects).toContainEqual(
      expect.objectContaining({ kind: 'Deployment', change: 'create' }),
    );
    const done = structured(
      await client.callTool({
        name: 'stagecraft.deploy',
        arguments: { component: COMPONENT, environment: ENV },
      }),
    );
    expect(done).toMatchObject({
      outcome: 'applied',
      revision: { revision: 1, actor: 'user:default/bob' },
    });
    const bob = mockCredentials.user.header('user:default/bob');
    const history = await request(server)
      .get(
        `/api/stagecraft/components/${encodeURIComponent(
          COMPONENT,
        )}/history?environment=${ENV}`,
      )
      .set('Authorization', bob);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        revision: 1,
        action: 'deploy',
        actor: 'user:default/bob',
      }),
    ]);
    // the audit row (StoreAuditor writes the row, then Backstage's event)
    expect(auditorEvents).toContainEqual({
      eventId: 'deployment-deploy',
      outcome: 'succeeded',
      meta: expect.objectContaining({
        actor: 'user:default/bob',
        target: `${COMPONENT}@${ENV}`,
        details: expect.objectContaining({ revision: 1 }),
      }),
    });
    // the status the agent reads next shows the rollout
    const status = await eventually('the rollout in the status', async () => {
      const s = structured(
        await client.callTool({
          name: 'stagecraft.get-deployment-status',
          arguments: { component: 'agent-hello' },
        }),
      );
      return s.deployments[0]?.revision?.revision === 1 ? s : undefined;
    });
    expect(status.deployments[0]).toMatchObject({
      environment: ENV,
      revision: { actor: 'user:default/bob', action: 'deploy' },
    });
  });
});
