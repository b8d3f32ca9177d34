import userEvent from '@testing-library/user-event';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  deployment,
  environmentEntities,
  mockStagecraftApi,
  renderWithEntity,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { DeploymentsContent } from './DeploymentsContent';
import {
  dev1,
  liveApi,
  rowOf,
  staging1,
} from '../../__testUtils__/liveDeployments';
import { EnvironmentWorkloadsCard } from '../EnvironmentCards';

describe('DeploymentsContent: logs and events', () => {
  it("each deployed row opens that environment's logs, which stream in", async () => {
    const { api, emitLog } = liveApi();
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-staging');
    fireEvent.click(
      await within(rowOf('payments-staging')).findByRole('button', {
        name: 'Logs in payments-staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Logs of payments-worker in payments-staging'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.followLogs).toHaveBeenCalledWith(
        WORKER,
        expect.objectContaining({ environment: 'payments-staging' }),
        expect.anything(),
      ),
    );
    act(() =>
      emitLog({
        type: 'line',
        line: {
          pod: 'payments-worker-5c6d',
          container: 'main',
          time: '2026-12-01T12:00:00Z',
          text: 'ready to take payments',
        },
      }),
    );
    expect(
      await within(dialog).findByText('ready to take payments'),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close logs' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // not deployed to prod: no logs to read there
    expect(
      within(rowOf('payments-prod')).queryByRole('button', {
        name: 'Logs in payments-prod',
      }),
    ).toBeNull();
  });

  it("a failed rollout's reason links to the events of that environment", async () => {
    const { api } = liveApi();
    api.getDeployments.mockResolvedValue([
      deployment('payments-dev', 'development', dev1),
      deployment('payments-staging', 'staging', staging1, {
        phase: 'failed',
        reason: 'FailedCreate',
        message: 'exceeded quota: payments-staging',
      }),
    ]);
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    // the card opens on the failing environment
    await waitFor(() =>
      expect(api.getClusterEvents).toHaveBeenCalledWith({
        environment: 'payments-staging',
        component: WORKER,
      }),
    );
    // pick another, then follow the failed row's link back
    expect(screen.getByText('Events in payments-staging')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Events of environment'));
    fireEvent.click(
      await screen.findByRole('option', { name: 'payments-dev' }),
    );
    expect(
      await screen.findByText('Events in payments-dev'),
    ).toBeInTheDocument();
    fireEvent.click(
      within(rowOf('payments-staging')).getByRole('button', {
        name: 'Why? Events in payments-staging',
      }),
    );
    expect(
      await screen.findByText('Events in payments-staging'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-dev')).queryByRole('button', { name: /Why\?/ }),
    ).toBeNull();
  });
});

describe('EnvironmentWorkloadsCard: logs', () => {
  it('opens the logs of a workload in this environment', async () => {
    const { api } = mockStagecraftApi({
      getDeployments: jest.fn(async () => [
        deployment('payments-staging', 'staging', staging1),
      ]),
    });
    renderWithEntity(<EnvironmentWorkloadsCard />, {
      entity: environmentEntities[2],
      api,
      entities: [workerEntity],
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Logs in payments-staging' }),
    );
    expect(
      await screen.findByText('Logs of payments-worker in payments-staging'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.followLogs).toHaveBeenCalledWith(
        WORKER,
        expect.objectContaining({ environment: 'payments-staging' }),
        expect.anything(),
      ),
    );
  });
});
