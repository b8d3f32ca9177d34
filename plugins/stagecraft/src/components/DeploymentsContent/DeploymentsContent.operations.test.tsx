import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deployment,
  refuseActions,
  renderWithEntity,
  revision,
  tooltipOf,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { DeploymentsContent } from './DeploymentsContent';
import {
  dev1,
  liveApi,
  result,
  rowOf,
} from '../../__testUtils__/liveDeployments';

describe('DeploymentsContent: day-2 operations', () => {
  it('restarts a deployment and follows the rollout', async () => {
    const { api, emit } = liveApi();
    api.restart.mockResolvedValue(
      result('payments-dev', 2, dev1.image, 'restart'),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const restart = await screen.findByRole('button', {
      name: 'Restart in payments-dev',
    });
    await waitFor(() => expect(restart).toBeEnabled());
    await userEvent.click(restart);
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Restart payments-worker in payments-dev'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restart' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.restart).toHaveBeenCalledWith(WORKER, 'payments-dev');
    expect(
      within(rowOf('payments-dev')).getByText(
        'Restart of r-111111111111 started…',
      ),
    ).toBeInTheDocument();
    // same release: only a newer status says the cluster took it up
    const dev2 = revision('payments-dev', 2, dev1.image, {
      action: 'restart',
      releaseId: 'r-111111111111',
    });
    act(() =>
      emit(
        deployment('payments-dev', 'development', dev2, {
          phase: 'progressing',
          replicas: { desired: 2, updated: 1, ready: 2, available: 2 },
        }),
      ),
    );
    expect(
      within(rowOf('payments-dev')).getByText(
        'Restart of r-111111111111 in progress…',
      ),
    ).toBeInTheDocument();
    act(() => emit(deployment('payments-dev', 'development', dev2)));
    expect(
      within(rowOf('payments-dev')).getByText(
        'Restart of r-111111111111 complete',
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-dev')).getByText(/^restart by/),
    ).toBeInTheDocument();
  });

  it('scales within the quota, and shows the refusal naming replicas', async () => {
    const { api } = liveApi();
    api.scale
      .mockRejectedValueOnce(
        await httpError(
          400,
          'replicas 40 would exceed the quota of payments-dev (cpu 20 > 4)',
        ),
      )
      .mockResolvedValueOnce(result('payments-dev', 2, dev1.image, 'scale'));
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const scale = await screen.findByRole('button', {
      name: 'Scale in payments-dev',
    });
    await waitFor(() => expect(scale).toBeEnabled());
    await userEvent.click(scale);
    const dialog = await screen.findByRole('dialog');
    const input = within(dialog).getByLabelText('Replicas');
    expect(input).toHaveValue(2);
    // unchanged: nothing to do
    expect(
      within(dialog).getByRole('button', { name: 'Scale' }),
    ).toBeDisabled();
    await userEvent.clear(input);
    await userEvent.type(input, '40');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Scale' }),
    );
    expect(
      await within(dialog).findByText(/replicas 40 would exceed the quota/),
    ).toBeInTheDocument();
    await userEvent.clear(input);
    await userEvent.type(input, '3');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Scale' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.scale).toHaveBeenLastCalledWith(WORKER, 'payments-dev', 3);
    expect(
      within(rowOf('payments-dev')).getByText(
        'Scaling of r-111111111111 started…',
      ),
    ).toBeInTheDocument();
  });

  it("disables Restart and Scale with the backend's reason", async () => {
    const { api } = liveApi();
    refuseActions(api, [
      {
        environment: 'payments-dev',
        actions: ['restart', 'scale'],
        code: 'paused',
        message: 'payments-dev is paused: resume it first',
      },
    ]);
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-dev');
    const restart = screen.getByRole('button', {
      name: 'Restart in payments-dev',
    });
    await waitFor(() => expect(restart).toBeDisabled());
    expect(
      screen.getByRole('button', { name: 'Scale in payments-dev' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Deploy to payments-dev' }),
    ).toBeEnabled();
    expect(await tooltipOf(restart)).toBe(
      'payments-dev is paused: resume it first',
    );
    // nothing runs in prod: nothing to restart
    expect(
      screen.queryByRole('button', { name: 'Restart in payments-prod' }),
    ).toBeNull();
  });
});

describe('DeploymentsContent: an environment being deleted (issue 18.12)', () => {
  it('says the environment is being deleted instead of "Rolling out 0/n", from the stream', async () => {
    const { api, emit } = liveApi();
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await waitFor(() =>
      expect(within(rowOf('payments-dev')).getByText('Healthy')).toBeVisible(),
    );
    // the namespace goes: its pods wind down while the row's status follows
    act(() =>
      emit({
        ...deployment('payments-dev', 'development', dev1, {
          phase: 'progressing',
          replicas: { desired: 3, updated: 0, ready: 0, available: 0 },
        }),
        environmentPhase: 'Deleting',
      }),
    );
    const row = rowOf('payments-dev');
    expect(within(row).getByText('Environment being deleted')).toBeVisible();
    expect(within(row).queryByText(/Rolling out/)).toBeNull();
    expect(
      within(row).queryByRole('progressbar', {
        name: 'rollout progress in payments-dev',
      }),
    ).toBeNull();
  });
});
