import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import type { DeployResult } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  componentActions,
  deployment,
  mockStagecraftApi,
  refuseActions,
  tooltipOf,
  provisioned,
  renderWithEntity,
  revision,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { DeploymentsContent } from './DeploymentsContent';

const dev1 = revision(
  'payments-dev',
  1,
  'ghcr.io/example/payments-worker:1.0.0',
);
const staging1 = revision(
  'payments-staging',
  1,
  'ghcr.io/example/payments-worker:1.0.0',
  { action: 'promote', from: 'payments-dev' },
);

function liveApi() {
  return mockStagecraftApi({
    listEnvironments: jest.fn(async () => [
      provisioned('payments-dev', 'development'),
      provisioned('payments-staging', 'staging'),
      provisioned('payments-prod', 'production'),
    ]),
    getDeployments: jest.fn(async () => [
      deployment('payments-dev', 'development', dev1),
      deployment('payments-staging', 'staging', staging1),
    ]),
  });
}

const rowOf = (env: string) => screen.getByTestId(`env-${env}`);

const result = (
  env: string,
  image: string,
  dryRun: boolean,
  n = 2,
): DeployResult => ({
  release: {
    id: 'r-abcdefabcdef',
    component: WORKER,
    image,
    workload: {},
    createdBy: 'user:default/guest',
    createdAt: new Date().toISOString(),
  },
  dryRun,
  diff: dryRun
    ? `--- Deployment/payments-worker (live)\n+++ Deployment/payments-worker (desired)\n-        image: ghcr.io/example/payments-worker:1.0.0\n+        image: ${image}`
    : '',
  ...(!dryRun && {
    revision: revision(env, n, image, { releaseId: 'r-abcdefabcdef' }),
  }),
});

describe('DeploymentsContent', () => {
  afterEach(() => jest.useRealTimers());

  it('shows the environments in pipeline order with release, health, replicas, last deploy and drift', async () => {
    const { api } = liveApi();
    api.getDrift.mockImplementation(async (_ref, env) =>
      env === 'payments-staging'
        ? [
            {
              object: 'Deployment/payments-worker',
              path: 'spec.replicas',
              expected: 1,
              actual: 3,
            },
          ]
        : [],
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });

    await screen.findByTestId('env-payments-dev');
    const names = screen
      .getAllByTestId(/^env-/)
      .map(r => r.getAttribute('data-testid'));
    expect(names).toEqual([
      'env-payments-dev',
      'env-payments-staging',
      'env-payments-prod',
    ]);
    const dev = within(rowOf('payments-dev'));
    expect(dev.getByText('1.0.0')).toBeInTheDocument();
    expect(dev.getByText('Healthy')).toBeInTheDocument();
    expect(dev.getByText('1/1 ready')).toBeInTheDocument();
    expect(dev.getByText(/5 min ago/)).toBeInTheDocument();
    expect(await dev.findByText('in sync')).toBeInTheDocument();
    expect(
      await within(rowOf('payments-staging')).findByText('drifted (1)'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-prod')).getByText('Not deployed'),
    ).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenCalledWith(WORKER);
    expect(api.watchDeployments).toHaveBeenCalledWith(
      WORKER,
      expect.anything(),
    );
    expect(api.getDrift).toHaveBeenCalledTimes(2);
  });

  it('shows the warnings the cluster gave when a revision was written', async () => {
    const warned = revision(
      'payments-dev',
      2,
      'ghcr.io/example/payments-worker:1.1.0',
      {
        warnings: [
          'would violate PodSecurity "restricted:latest": seccompProfile',
        ],
      },
    );
    const { api } = mockStagecraftApi({
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
        provisioned('payments-staging', 'staging'),
      ]),
      getDeployments: jest.fn(async () => [
        deployment('payments-dev', 'development', warned),
        deployment('payments-staging', 'staging', staging1),
      ]),
    });
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-dev');
    const chip = await within(rowOf('payments-dev')).findByLabelText(
      '1 cluster warning: would violate PodSecurity "restricted:latest": seccompProfile',
    );
    expect(chip).toHaveTextContent('1 cluster warning');
    expect(
      within(rowOf('payments-staging')).queryByText(/cluster warning/),
    ).not.toBeInTheDocument();
  });

  it('updates a row from the event stream, without another request', async () => {
    const { api, emit } = liveApi();
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-dev');
    act(() =>
      emit(
        deployment('payments-dev', 'development', dev1, {
          phase: 'failed',
          reason: 'ImagePullBackOff',
          replicas: { desired: 1, updated: 1, ready: 0, available: 0 },
        }),
      ),
    );
    const dev = within(rowOf('payments-dev'));
    expect(dev.getByText('Failed (ImagePullBackOff)')).toBeInTheDocument();
    expect(dev.getByText('0/1 ready')).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenCalledTimes(1);
  });

  it('deploys a tag: dry-run diff first, then confirm, then follows the rollout', async () => {
    const { api, emit } = liveApi();
    api.deploy.mockImplementation(async (_ref, req) =>
      result(
        'payments-dev',
        'ghcr.io/example/payments-worker:1.0.1',
        !!req.dryRun,
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy to payments-dev' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Deploy to payments-dev'),
    ).toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText('Image or tag'),
      '1.0.1',
    );
    // nothing can be confirmed before the preview
    expect(
      within(dialog).getByRole('button', { name: 'Deploy' }),
    ).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    );
    expect(
      await within(dialog).findByText(
        /^\+ +image: ghcr.io\/example\/payments-worker:1.0.1$/,
      ),
    ).toBeInTheDocument();
    expect(api.deploy).toHaveBeenCalledWith(WORKER, {
      environment: 'payments-dev',
      image: '1.0.1',
      dryRun: true,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Deploy' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.deploy).toHaveBeenLastCalledWith(WORKER, {
      environment: 'payments-dev',
      image: '1.0.1',
      dryRun: false,
    });
    const dev = within(rowOf('payments-dev'));
    expect(dev.getByText('1.0.1')).toBeInTheDocument();
    expect(
      dev.getByText('Deploy of r-abcdefabcdef started…'),
    ).toBeInTheDocument();
    const rev2 = revision(
      'payments-dev',
      2,
      'ghcr.io/example/payments-worker:1.0.1',
      { releaseId: 'r-abcdefabcdef' },
    );
    act(() =>
      emit(
        deployment('payments-dev', 'development', rev2, {
          phase: 'progressing',
          replicas: { desired: 2, updated: 1, ready: 1, available: 1 },
        }),
      ),
    );
    expect(
      dev.getByText('Deploy of r-abcdefabcdef in progress…'),
    ).toBeInTheDocument();
    expect(dev.getByText('1/2 updated')).toBeInTheDocument();
    act(() => emit(deployment('payments-dev', 'development', rev2)));
    expect(
      dev.getByText('Deploy of r-abcdefabcdef complete'),
    ).toBeInTheDocument();
    expect(dev.getByText('Healthy')).toBeInTheDocument();
  });

  it('promotes to the next environment after showing the diff', async () => {
    const { api } = liveApi();
    api.promote.mockImplementation(async (_ref, req) =>
      result(
        'payments-staging',
        'ghcr.io/example/payments-worker:1.0.0',
        !!req.dryRun,
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Promote payments-dev to payments-staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/Dry run: release r-abcdefabcdef/),
    ).toBeInTheDocument();
    expect(api.promote).toHaveBeenCalledWith(WORKER, {
      from: 'payments-dev',
      to: 'payments-staging',
      dryRun: true,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    await waitFor(() =>
      expect(api.promote).toHaveBeenLastCalledWith(WORKER, {
        from: 'payments-dev',
        to: 'payments-staging',
        dryRun: false,
      }),
    );
    expect(
      await within(rowOf('payments-staging')).findByText(
        'Promotion of r-abcdefabcdef started…',
      ),
    ).toBeInTheDocument();
  });

  it('rolls back to a chosen revision', async () => {
    const { api } = liveApi();
    const dev2 = revision(
      'payments-dev',
      2,
      'ghcr.io/example/payments-worker:1.0.1',
    );
    api.getDeployments.mockResolvedValue([
      deployment('payments-dev', 'development', dev2),
    ]);
    api.getHistory.mockResolvedValue([dev2, dev1]);
    api.rollback.mockImplementation(async (_ref, req) =>
      result('payments-dev', dev1.image, !!req.dryRun, 3),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Roll back payments-dev' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/^#1 · 1\.0\.0/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    );
    await within(dialog).findByText(/Dry run/);
    expect(api.rollback).toHaveBeenCalledWith(WORKER, {
      environment: 'payments-dev',
      revision: 1,
      dryRun: true,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back' }),
    );
    await waitFor(() =>
      expect(api.rollback).toHaveBeenLastCalledWith(WORKER, {
        environment: 'payments-dev',
        revision: 1,
        dryRun: false,
      }),
    );
  });

  it('shows the backend refusal in the dialog', async () => {
    const { api } = liveApi();
    api.deploy.mockRejectedValue(
      new Error(
        'Deployment/payments-worker spec.replicas was changed by kubectl-edit; refusing to take it back',
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy to payments-dev' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Preview changes' }),
    );
    expect(
      await screen.findByText(/changed by kubectl-edit/),
    ).toBeInTheDocument();
  });

  it('disables the buttons the backend refuses, with its reason as the tooltip', async () => {
    const { api } = liveApi();
    refuseActions(api, [
      {
        environment: 'payments-dev',
        actions: ['deploy', 'rollback'],
        message:
          'Only group:default/platform (the owner of payments-dev) may deploy to payments-dev',
      },
      {
        environment: 'payments-prod',
        actions: ['deploy'],
        code: 'not-provisioned',
        message: 'payments-prod is not provisioned yet',
      },
    ]);
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-dev');
    const deploy = screen.getByRole('button', {
      name: 'Deploy to payments-dev',
    });
    await waitFor(() => expect(deploy).toBeDisabled());
    expect(
      screen.getByRole('button', { name: 'Roll back payments-dev' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', {
        name: 'Promote payments-dev to payments-staging',
      }),
    ).toBeEnabled();
    expect(await tooltipOf(deploy)).toBe(
      'Only group:default/platform (the owner of payments-dev) may deploy to payments-dev',
    );
    const prod = screen.getByRole('button', {
      name: 'Deploy to payments-prod',
    });
    await waitFor(() => expect(prod).toBeDisabled());
    fireEvent.mouseLeave(deploy.parentElement!);
    expect(await tooltipOf(prod)).toMatch(
      /payments-prod is not provisioned yet/,
    );
    expect(api.getComponentActions).toHaveBeenCalledWith(
      WORKER,
      'payments-dev',
    );
  });

  it('promotes to where the backend says, not where the catalog points', async () => {
    const { api } = liveApi();
    api.getComponentActions.mockImplementation(async (component, environment) =>
      componentActions(environment, {
        component,
        ...(environment === 'payments-dev' && { promotesTo: 'payments-gated' }),
      }),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(
      await screen.findByRole('button', {
        name: 'Promote payments-dev to payments-gated',
      }),
    ).toBeInTheDocument();
  });

  it('shows a spinner while loading', async () => {
    // fake time: the wait for it counts simulated time, not a busy machine's
    jest.useFakeTimers();
    const { api } = liveApi();
    api.getDeployments.mockReturnValue(new Promise(() => {}));
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the deployments cannot be read', async () => {
    const { api } = liveApi();
    api.getDeployments.mockRejectedValue(
      new Error('stagecraft.deployment.read denied'),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(
      await screen.findByText('Error: stagecraft.deployment.read denied'),
    ).toBeInTheDocument();
  });

  it('says which cluster is unreachable', async () => {
    const { api } = liveApi();
    api.getHealth.mockResolvedValue({
      status: 'degraded',
      clusters: [{ name: 'local', reachable: false, error: 'ECONNREFUSED' }],
    });
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(
      await screen.findByText(/Cluster "local" is unreachable/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/local: ECONNREFUSED — failing since/),
    ).toBeInTheDocument();
  });

  it('explains how to add a workload spec when there is none', async () => {
    const { api } = liveApi();
    const bare: Entity = {
      ...workerEntity,
      metadata: { name: 'legacy', namespace: 'default' },
    };
    renderWithEntity(<DeploymentsContent />, { entity: bare, api });
    expect(await screen.findByText('No workload spec yet')).toBeInTheDocument();
    expect(
      screen.getAllByText(/stagecraft.io\/workload/).length,
    ).toBeGreaterThan(0);
    expect(api.getDeployments).not.toHaveBeenCalled();
  });

  it('explains how to get an environment when the system has none', async () => {
    const { api } = mockStagecraftApi();
    renderWithEntity(<DeploymentsContent />, {
      entity: workerEntity,
      api,
      entities: [],
    });
    expect(
      await screen.findByText('No environments for this component yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No Environment belongs to system:default\/payments/),
    ).toBeInTheDocument();
  });
});
