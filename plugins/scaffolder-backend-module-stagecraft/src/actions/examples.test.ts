import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validate } from 'jsonschema';
import { parse } from 'yaml';
import type { JsonObject } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type {
  DeployResult,
  Environment,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';
import { createStagecraftActions } from '../module';
import { configChange } from '../__testUtils__/configChange';

/**
 * Every example of every action, as the documentation shows it: its steps
 * parse, their inputs pass the action's schema, and the action runs them
 * against a client that answers like the Stagecraft backend, calling it with
 * exactly the step's inputs. An example that drifts from its action fails.
 */
const at = '2026-12-01T00:00:00.000Z';
const release = {
  id: 'r-0123456789ab',
  component: 'component:default/checkout',
  image: 'ghcr.io/example/checkout:1.4.3',
  workload: {},
  createdBy: 'user:default/mock',
  createdAt: at,
};
const environment = (name: string): Environment => ({
  name,
  type: 'preview',
  tier: 'preview',
  cluster: 'local',
  namespace: name,
  owner: 'group:default/payments',
  quota: { cpu: '2', memory: '4Gi', pods: 10 },
  phase: 'Ready',
  objects: [{ kind: 'Namespace', name, present: true } as any],
  createdBy: 'user:default/mock',
  createdAt: at,
  updatedAt: at,
});
const rolledOut = (env: string, revision: number): DeployResult => ({
  release,
  revision: {
    component: release.component,
    environment: env,
    revision,
    releaseId: release.id,
    image: release.image,
    action: 'deploy',
    actor: 'user:default/mock',
    at,
    changed: ['Deployment/checkout'],
  },
  diff: '+image',
  dryRun: false,
});
const plan = (taskId: string) => ({
  taskId,
  environments: [
    { name: 'payments-pr-42', namespace: 'payments-pr-42', tier: 'preview' },
  ],
  deployments: [],
  steps: [],
});

type Answers = {
  [K in keyof StagecraftClient]?: StagecraftClient[K] extends (
    ...args: infer A
  ) => Promise<infer R>
    ? (...args: A) => R
    : never;
};
const answers: Answers = {
  getHealth: () => ({
    status: 'ok',
    clusters: [{ name: 'local', reachable: true, version: 'v1.33.0' }],
  }),
  createEnvironment: body => environment(body.name),
  getEnvironment: name => environment(name),
  deleteEnvironment: () => undefined,
  deploy: (_c, body) => rolledOut(body.environment, 3),
  promote: () => rolledOut('payments-prod', 2),
  rollback: (_c, body) => rolledOut(body.environment, 5),
  getDeployments: () => [
    {
      environment: 'payments-dev',
      tier: 'development',
      revision: rolledOut('payments-dev', 3).revision,
      status: {
        phase: 'complete',
        release: release.id,
        replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
        pods: { total: 1, running: 1, pending: 0, failed: 0, ready: 1 },
      },
    },
  ],
  setConfig: () => configChange(['LOG_LEVEL'], 2),
  setSecret: body => ({
    key: body.key,
    version: 1,
    hash: 'sha256:0f1e',
    updatedBy: 'user:default/mock',
    updatedAt: at,
  }),
  applyManifests: (env, request) => ({
    dryRun: request.dryRun === true,
    environment: env,
    namespace: env,
    objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'feature-flags' }],
    changed: ['ConfigMap/feature-flags'],
    diff: '+data',
  }),
  publishSource: (repo, request) => ({
    repo,
    files: Object.keys(request.files),
    baseUrl: `http://localhost:7007/api/stagecraft/sources/${repo}`,
  }),
  getTeardownPlan: taskId => plan(taskId),
  teardown: taskId => ({ ...plan(taskId), removed: true }),
  getClusterEvents: () => ({ items: [] } as any),
  getLogs: () => ({ pods: [], lines: [] } as any),
};

const calls: Array<[string, unknown[]]> = [];
const client = new Proxy(
  {},
  {
    get: (_t, method: string) => {
      const answer = answers[method as keyof Answers] as
        | ((...args: unknown[]) => unknown)
        | undefined;
      if (!answer) return undefined;
      return async (...args: unknown[]) => {
        calls.push([method, args]);
        return answer(...args);
      };
    },
  },
) as any;

/** What the scaffolder would have rendered the examples' expressions to. */
const rendered: Record<string, string> = {
  'parameters.taskId': 'a1b2c3d4-task',
  'parameters.name': 'checkout',
  'steps.publish.output.catalogInfoUrl':
    'http://localhost:7007/api/stagecraft/sources/checkout/catalog-info.yaml',
  'steps.deploy.output.releaseId': release.id,
};
function render(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{\{\s*([^}\s]+)\s*\}\}/g, (_m, expr: string) => {
      if (!(expr in rendered)) throw new Error(`no value for ${expr}`);
      return rendered[expr];
    });
  }
  if (Array.isArray(value)) return value.map(render);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, render(v)]),
    );
  }
  return value;
}

const actions = createStagecraftActions({ client, kubernetesApplyAlias: true });
const cases = actions.flatMap(action =>
  (action.examples ?? []).map(example => ({
    id: action.id,
    description: example.description,
    action,
    example,
  })),
);

let workspacePath: string;
beforeAll(async () => {
  workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'stagecraft-ex-'));
  await fs.mkdir(path.join(workspacePath, 'k8s'));
  await fs.writeFile(
    path.join(workspacePath, 'k8s/extra.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: "1"\n',
  );
  await fs.writeFile(
    path.join(workspacePath, 'catalog-info.yaml'),
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\n',
  );
});
afterAll(() => fs.rm(workspacePath, { recursive: true, force: true }));
beforeEach(() => {
  calls.length = 0;
});

describe('scaffolder action examples', () => {
  it('every action has at least one example', () => {
    for (const action of actions) {
      expect([action.id, (action.examples ?? []).length > 0]).toEqual([
        action.id,
        true,
      ]);
    }
  });

  it.each(cases)('$id: $description', async ({ id, action, example }) => {
    const steps = (parse(example.example) as { steps: any[] }).steps;
    // the deprecated alias shows the examples of stagecraft:apply
    const own = steps.filter(
      s =>
        s.action === id ||
        (id === 'kubernetes:apply' && s.action === 'stagecraft:apply'),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const step of own) {
      const input = render(step.input ?? {}) as JsonObject;
      const problems = validate(input, action.schema!.input as any).errors;
      expect(problems.map(p => `${p.property} ${p.message}`)).toEqual([]);
      const ctx = createMockActionContext({
        input,
        workspacePath,
        secrets: { apiToken: 'example-secret-value' },
      });
      await action.handler(ctx as any);
      // the step reached the backend, with the step's own names in the call
      expect(calls.length).toBeGreaterThan(0);
      const sent = JSON.stringify(calls);
      const named = ['component', 'name', 'from', 'repo', 'taskId']
        .map(key => input[key])
        .filter(value => typeof value === 'string');
      for (const value of named) expect(sent).toContain(value);
    }
  });
});
