import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import {
  CloneResult,
  Environment,
  toEnvironmentEntity,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  environmentActions,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  tooltipOf,
  WORKER,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentOverviewCard } from '../EnvironmentOverviewCard';

/** The environment's catalog entity as the backend publishes it, with more annotations. */
const entityOf = (env: Environment, annotations = {}): Entity => {
  const entity = toEnvironmentEntity(env);
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...entity.metadata.annotations, ...annotations },
    },
    spec: { ...entity.spec },
  };
};

function setup(
  env: Environment,
  denied: string[] = [],
  annotations = {},
  actions = environmentActions(env.name),
) {
  const { api } = mockStagecraftApi({
    getEnvironment: jest.fn(async () => env),
    getEnvironmentActions: jest.fn(async () => actions),
  });
  renderWithEntity(<EnvironmentOverviewCard />, {
    entity: entityOf(env, annotations),
    api,
    entities: [],
    denied,
  });
  return api;
}

const dev = provisioned('payments-dev', 'development');
const staging = provisioned('payments-staging', 'staging');
const preview = provisioned('pr-42', 'preview', {
  origin: {
    taskId: 'task-7',
    template: 'template:default/preview-environment',
  },
  expiresAt: new Date(Date.now() + 86400e3).toISOString(),
});

const clone = (dryRun: boolean): CloneResult => ({
  environment: provisioned('payments-pr-7', 'preview', {
    expiresAt: '2030-01-01T08:00:00Z',
  }),
  deployed: [
    {
      component: WORKER,
      releaseId: 'r-aaaaaaaaaaaa',
      ...(!dryRun && { revision: 1 }),
    },
  ],
  configCopied: 3,
  secretsToSet: [{ component: WORKER, key: 'STRIPE_KEY' }],
});

async function enabled(name: string | RegExp) {
  await waitFor(() =>
    expect(screen.getByRole('button', { name })).toBeEnabled(),
  );
  return screen.getByRole('button', { name });
}

describe('Environment page operations', () => {
  it('clones: a dry run shows what will be deployed, then the clone is created', async () => {
    const api = setup(dev);
    api.cloneEnvironment.mockImplementation(async (_n, req) =>
      clone(!!req.dryRun),
    );
    await userEvent.click(await enabled('Clone'));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Clone payments-dev')).toBeInTheDocument();
    await userEvent.type(dialog.getByLabelText('Name'), 'Payments_PR');
    expect(
      dialog.getByText(/is not a valid DNS-1123 label/),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Preview' })).toBeDisabled();
    await userEvent.clear(dialog.getByLabelText('Name'));
    await userEvent.type(dialog.getByLabelText('Name'), 'payments-pr-7');
    // the type: the environment types the backend offers
    await userEvent.click(dialog.getByLabelText('Type'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'preview (preview)' }),
    );
    expect(dialog.getByText(/default for preview: 3d/)).toBeInTheDocument();
    await userEvent.type(dialog.getByLabelText('Time to live'), '8h');
    expect(dialog.getByRole('button', { name: 'Clone' })).toBeDisabled();
    await userEvent.click(dialog.getByRole('button', { name: 'Preview' }));
    const releases = within(
      await dialog.findByRole('table', { name: 'releases to deploy' }),
    );
    expect(releases.getByText(WORKER)).toBeInTheDocument();
    expect(releases.getByText('r-aaaaaaaaaaaa')).toBeInTheDocument();
    expect(
      dialog.getByText('3 configuration values copied.'),
    ).toBeInTheDocument();
    expect(dialog.getByText('Secrets are never copied')).toBeInTheDocument();
    expect(
      dialog.getByText(/component:default\/payments-worker STRIPE_KEY/),
    ).toBeInTheDocument();
    expect(api.cloneEnvironment).toHaveBeenCalledWith('payments-dev', {
      name: 'payments-pr-7',
      type: 'preview',
      ttl: '8h',
      dryRun: true,
    });
    await userEvent.click(dialog.getByRole('button', { name: 'Clone' }));
    expect(
      await dialog.findByText(/with 1 release of payments-dev/),
    ).toBeInTheDocument();
    expect(
      dialog.getByRole('link', { name: 'payments-pr-7' }),
    ).toBeInTheDocument();
    expect(api.cloneEnvironment).toHaveBeenLastCalledWith('payments-dev', {
      name: 'payments-pr-7',
      type: 'preview',
      ttl: '8h',
      dryRun: false,
    });
  });

  it('shows the refusal of a clone', async () => {
    const api = setup(dev);
    api.cloneEnvironment.mockRejectedValue(
      await httpError(409, 'environment payments-pr-7 exists already'),
    );
    await userEvent.click(await enabled('Clone'));
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(dialog.getByLabelText('Name'), 'payments-pr-7');
    await userEvent.click(dialog.getByRole('button', { name: 'Preview' }));
    expect(
      await dialog.findByText('environment payments-pr-7 exists already'),
    ).toBeInTheDocument();
  });

  it('pauses and resumes a development environment', async () => {
    const api = setup(dev);
    api.pauseEnvironment.mockResolvedValue({
      environment: 'payments-dev',
      components: [{ component: WORKER, replicas: 2, revision: 5 }],
    });
    api.resumeEnvironment.mockResolvedValue({
      environment: 'payments-dev',
      components: [{ component: WORKER, replicas: 2, revision: 6 }],
    });
    await userEvent.click(await enabled('Pause'));
    let dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Pause payments-dev?')).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Pause' }));
    expect(
      await screen.findByText(
        'Paused payments-dev: payments-worker (had 2) scaled to zero; Resume gives the replicas back.',
      ),
    ).toBeInTheDocument();
    expect(api.pauseEnvironment).toHaveBeenCalledWith('payments-dev');
    await userEvent.click(await enabled('Resume'));
    dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(dialog.getByRole('button', { name: 'Resume' }));
    expect(
      await screen.findByText(
        'Resumed payments-dev: payments-worker (2) replicas back.',
      ),
    ).toBeInTheDocument();
  });

  it('offers no pause for staging, and no teardown without a template run', async () => {
    setup(staging);
    await enabled('Clone');
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Tear down template run' }),
    ).toBeNull();
  });

  it('tears down what a template run created: the plan first, then a typed confirmation', async () => {
    const api = setup(preview);
    const plan = {
      taskId: 'task-7',
      environments: [{ name: 'pr-42', namespace: 'pr-42', tier: 'preview' }],
      deployments: [{ component: WORKER, environment: 'payments-dev' }],
    };
    // an older backend: no steps, one call removes everything
    api.getTeardownPlan.mockResolvedValue(plan);
    api.teardown.mockResolvedValue({ ...plan, removed: true });
    await userEvent.click(await enabled('Tear down template run'));
    const dialog = within(await screen.findByRole('dialog'));
    const steps = within(
      await dialog.findByRole('list', { name: 'teardown steps' }),
    );
    expect(
      steps.getByText(`1. Remove ${WORKER} from payments-dev`),
    ).toBeInTheDocument();
    expect(
      steps.getByText(
        /^2\. Delete environment pr-42 \(namespace pr-42, preview\)/,
      ),
    ).toBeInTheDocument();
    expect(api.getTeardownPlan).toHaveBeenCalledWith('task-7');
    const go = dialog.getByRole('button', { name: 'Tear down' });
    expect(go).toBeDisabled();
    await userEvent.type(dialog.getByLabelText('Confirm teardown'), 'pr-4');
    expect(go).toBeDisabled();
    await userEvent.type(dialog.getByLabelText('Confirm teardown'), '2');
    expect(go).toBeEnabled();
    expect(api.teardown).not.toHaveBeenCalled();
    await userEvent.click(go);
    expect(
      await screen.findByText(`Torn down: ${WORKER}@payments-dev, pr-42.`),
    ).toBeInTheDocument();
    expect(api.teardown).toHaveBeenCalledWith('task-7');
  });

  it('runs the steps one by one in their order, showing each as it goes', async () => {
    const api = setup(preview);
    const steps = [
      {
        id: 'environment:pr-42',
        kind: 'environment' as const,
        target: 'pr-42',
        description: 'Delete environment pr-42',
      },
      {
        id: 'catalog:component:default/new-svc',
        kind: 'catalog' as const,
        target: 'component:default/new-svc',
        description: 'Unregister component:default/new-svc from the catalog',
      },
    ];
    const plan = {
      taskId: 'task-7',
      environments: [{ name: 'pr-42', namespace: 'pr-42', tier: 'preview' }],
      deployments: [],
      catalog: [{ entityRef: 'component:default/new-svc' }],
      steps,
    };
    api.getTeardownPlan.mockResolvedValue(plan);
    let finishFirst: () => void = () => {};
    api.teardown.mockImplementation(
      (_task: string, step?: string) =>
        new Promise(resolve => {
          const result = {
            ...plan,
            removed: true as const,
            steps: steps.map(s =>
              s.id === step ? { ...s, status: 'done' as const } : s,
            ),
          };
          if (step === steps[0].id) finishFirst = () => resolve(result);
          else resolve(result);
        }),
    );
    await userEvent.click(await enabled('Tear down template run'));
    const dialog = within(await screen.findByRole('dialog'));
    await dialog.findByRole('list', { name: 'teardown steps' });
    await userEvent.type(dialog.getByLabelText('Confirm teardown'), 'pr-42');
    await userEvent.click(dialog.getByRole('button', { name: 'Tear down' }));
    expect(
      await within(dialog.getByTestId('teardown-step-1')).findByText(
        'running…',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog.getByTestId('teardown-step-2')).getByText('to do'),
    ).toBeInTheDocument();
    finishFirst();
    expect(
      await screen.findByText('Torn down: pr-42, component:default/new-svc.'),
    ).toBeInTheDocument();
    expect(api.teardown.mock.calls).toEqual([
      ['task-7', 'environment:pr-42'],
      ['task-7', 'catalog:component:default/new-svc'],
    ]);
  });

  it('finds the template run from the entity annotation too', async () => {
    const api = setup(dev, [], { 'stagecraft.io/scaffolder-task': 'task-9' });
    api.getTeardownPlan.mockRejectedValue(
      await httpError(404, 'no record of task task-9'),
    );
    await userEvent.click(await enabled('Tear down template run'));
    expect(
      await screen.findByText('no record of task task-9'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Tear down',
      }),
    ).toBeDisabled();
  });

  it('disables what the backend refuses, saying why; Clone as the policy denies', async () => {
    setup(
      preview,
      ['stagecraft.environment.create'],
      {},
      environmentActions(
        preview.name,
        {},
        {
          resume: {
            code: 'not-paused',
            message: 'pr-42 is not paused: there is nothing to resume',
          },
          delete: {
            code: 'forbidden',
            message:
              'Only group:default/payments (the owner of pr-42) may delete pr-42',
          },
        },
      ),
    );
    await screen.findByRole('button', { name: 'Clone' });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Clone' })).toBeDisabled(),
    );
    const resume = screen.getByRole('button', { name: 'Resume' });
    await waitFor(() => expect(resume).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled();
    expect(await tooltipOf(resume)).toBe(
      'pr-42 is not paused: there is nothing to resume',
    );
    expect(
      screen.getByRole('button', { name: 'Tear down template run' }),
    ).toBeDisabled();
  });

  it('says Paused when every workload is paused, and enables only Resume', async () => {
    setup(
      dev,
      [],
      {},
      environmentActions(
        dev.name,
        { workloads: [{ component: WORKER, replicas: 0, paused: true }] },
        {
          pause: {
            code: 'paused',
            message: 'payments-dev is already paused',
          },
        },
      ),
    );
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
  });
});
