/**
 * @jest-environment node
 */
// The software templates through the scaffolder API of the running app
// (scripts/test.sh starts it), against the real control plane: "New
// environment" and "Preview environment" create their environments, show
// progress in the task log, and a second run of the same input succeeds.
import {
  backendUrl as backend,
  guestToken,
  until,
} from './__testUtils__/browser';

jest.setTimeout(300_000);

type TaskEvent = { type: string; body: { message?: string; stepId?: string } };

async function call(
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${backend}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Runs a template to its end; returns the task id, status and log lines. */
async function runTemplate(token: string, template: string, values: object) {
  const created = await call(token, 'POST', '/api/scaffolder/v2/tasks', {
    templateRef: `template:default/${template}`,
    values,
  });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const status = await until(
    `task ${id} of ${template}`,
    async () => {
      const task = await call(token, 'GET', `/api/scaffolder/v2/tasks/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(task.body.status)
        ? (task.body.status as string)
        : undefined;
    },
    240_000,
  );
  const events = await call(
    token,
    'GET',
    `/api/scaffolder/v2/tasks/${id}/events`,
  );
  const log = (events.body as TaskEvent[])
    .filter(e => e.type === 'log')
    .map(e => e.body.message ?? '');
  return { id, status, log };
}

describe('software templates through the scaffolder API', () => {
  let token: string;
  const names = ['scaffolded-team-dev', 'checkout-pr-7', 'scaffolded-svc-dev'];

  beforeAll(async () => {
    token = await guestToken();
    // the templates are registered from app-config (file locations)
    await until(
      'the templates in the catalog',
      async () => {
        const res = await call(
          token,
          'GET',
          '/api/catalog/entities?filter=kind=template&fields=metadata.name',
        );
        const found = (res.body as Array<{ metadata: { name: string } }>).map(
          e => e.metadata.name,
        );
        return ['new-environment', 'preview-environment'].every(n =>
          found.includes(n),
        )
          ? true
          : undefined;
      },
      120_000,
    );
  });

  afterAll(async () => {
    for (const name of names) {
      await call(token, 'DELETE', `/api/stagecraft/environments/${name}`, {});
    }
  });

  it('"New environment" creates the environment with progress in the log, and runs again without failing', async () => {
    const values = {
      name: 'scaffolded-team-dev',
      type: 'development',
      owner: 'group:default/payments',
      cluster: 'local',
    };
    const first = await runTemplate(token, 'new-environment', values);
    expect(first.log.join('\n')).toContain(
      'Creating environment scaffolded-team-dev',
    );
    expect(first.status).toBe('completed');
    expect(first.log.join('\n')).toMatch(
      /Environment scaffolded-team-dev: Ready: \d+\/\d+ objects/,
    );
    const second = await runTemplate(token, 'new-environment', values);
    expect(second.status).toBe('completed');

    const env = await call(
      token,
      'GET',
      '/api/stagecraft/environments/scaffolded-team-dev',
    );
    expect(env.body).toMatchObject({
      phase: 'Ready',
      namespace: 'scaffolded-team-dev',
      origin: {
        taskId: first.id,
        template: 'template:default/new-environment',
      },
    });
  });

  it('a step the policy denies (stagecraft:apply for non-platform users) fails the task, never skips', async () => {
    const run = await runTemplate(token, 'new-environment', {
      name: 'scaffolded-team-dev',
      type: 'development',
      owner: 'group:default/payments',
      cluster: 'local',
      extraManifests:
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra }\ndata: { a: b }',
    });
    expect(run.status).toBe('failed');
    const log = run.log.join('\n');
    expect(log).toMatch(/stagecraft:apply/);
    expect(log).not.toContain('Applied ConfigMap/extra');
  });

  it('"Preview environment" creates a preview with a TTL, deploys into it, and runs again without failing', async () => {
    const values = {
      name: 'checkout-pr-7',
      owner: 'group:default/payments',
      ttl: '4h',
      component: 'component:default/checkout',
      cluster: 'local',
    };
    const first = await runTemplate(token, 'preview-environment', values);
    const log = first.log.join('\n');
    expect(first.status).toBe('completed');
    expect(log).toContain('Environment checkout-pr-7: Ready');
    expect(log).toMatch(/Rollout in checkout-pr-7: complete/);
    const second = await runTemplate(token, 'preview-environment', values);
    expect(second.status).toBe('completed');

    const env = await call(
      token,
      'GET',
      '/api/stagecraft/environments/checkout-pr-7',
    );
    expect(env.body.tier).toBe('preview');
    const ttlMs = Date.parse(env.body.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(3 * 3600_000);
    expect(ttlMs).toBeLessThanOrEqual(4 * 3600_000);
    const history = await call(
      token,
      'GET',
      `/api/stagecraft/components/${encodeURIComponent(
        'component:default/checkout',
      )}/history?environment=checkout-pr-7`,
    );
    expect(history.body.items[0].origin.taskId).toBe(second.id);
  });

  it('"New service" publishes offline to local sources, registers, creates dev and deploys, and runs again without failing', async () => {
    const values = {
      name: 'scaffolded-svc',
      owner: 'group:default/payments',
      image: 'ghcr.io/acme/scaffolded-svc:0.1.0',
      port: 8080,
      cluster: 'local',
      publishTarget: 'local',
    };
    const run = await runTemplate(token, 'stagecraft-service', values);
    const log = run.log.join('\n');
    expect({ status: run.status, tail: run.log.slice(-5) }).toMatchObject({
      status: 'completed',
    });
    expect(log).toContain('Published to ');
    expect(log).toMatch(/Rollout in scaffolded-svc-dev: complete/);

    // the generated files are served to the catalog; the entity records the run
    const entity = await call(
      token,
      'GET',
      '/api/catalog/entities/by-name/component/default/scaffolded-svc',
    );
    expect(entity.body.metadata.annotations).toMatchObject({
      'stagecraft.io/scaffolder-task': run.id,
      'stagecraft.io/workload': './score.yaml',
    });
    const dockerfile = await fetch(
      `${backend}/api/stagecraft/sources/scaffolded-svc/Dockerfile`,
    );
    expect(await dockerfile.text()).toContain('EXPOSE 8080');
    const deployments = await call(
      token,
      'GET',
      `/api/stagecraft/components/${encodeURIComponent(
        'component:default/scaffolded-svc',
      )}/deployments`,
    );
    expect(deployments.body.items).toEqual([
      expect.objectContaining({
        environment: 'scaffolded-svc-dev',
        revision: expect.objectContaining({
          image: 'ghcr.io/acme/scaffolded-svc:0.1.0',
          origin: {
            taskId: run.id,
            template: 'template:default/stagecraft-service',
          },
        }),
      }),
    ]);

    // the same run again: every step finds its work done, the task completes
    const again = await runTemplate(token, 'stagecraft-service', values);
    expect({ status: again.status, tail: again.log.slice(-5) }).toMatchObject({
      status: 'completed',
    });
    expect(again.log.join('\n')).toMatch(
      /Rollout in scaffolded-svc-dev: complete/,
    );
  });
});
