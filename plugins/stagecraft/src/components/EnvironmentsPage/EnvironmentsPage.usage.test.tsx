import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deployment,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  revision,
  usage,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentsPage } from './EnvironmentsPage';

function setup() {
  const { api } = mockStagecraftApi({
    listEnvironments: jest.fn(async () => [
      provisioned('payments-dev', 'development'),
      provisioned('payments-staging', 'staging'),
    ]),
    getDeployments: jest.fn(async () => [
      deployment(
        'payments-dev',
        'development',
        revision('payments-dev', 1, 'ghcr.io/example/payments-worker:1.0.0'),
      ),
    ]),
  });
  return api;
}

async function openTeamView(api: ReturnType<typeof setup>) {
  renderWithEntity(<EnvironmentsPage />, { entity: workerEntity, api });
  await screen.findByRole('table', { name: 'environments' });
  await userEvent.click(screen.getByRole('tab', { name: 'Team view' }));
  return screen.findByRole('table', { name: 'team matrix' });
}

describe('EnvironmentsPage team view: usage and cost', () => {
  it('shows requests vs quota and the estimated cost per environment, and the team total', async () => {
    const api = setup();
    api.listUsage.mockResolvedValue([
      usage('payments-dev', { estimate: { currency: 'EUR', monthly: 20 } }),
      usage('payments-staging', {
        tier: 'staging',
        requests: { cpu: 2, memory: 4 * 1024 ** 3 },
        pods: 4,
        estimate: { currency: 'EUR', monthly: 80.5 },
      }),
    ]);
    const table = await openTeamView(api);
    const dev = within(await within(table).findByTestId('usage-payments-dev'));
    expect(dev.getByText('CPU 500m / 4 cores (13%)')).toBeInTheDocument();
    expect(dev.getByText('Memory 512Mi / 8Gi (6%)')).toBeInTheDocument();
    expect(dev.getByText('Pods 2 / 20')).toBeInTheDocument();
    expect(dev.getByText('≈ €20.00/month')).toBeInTheDocument();
    const staging = within(within(table).getByTestId('usage-payments-staging'));
    expect(
      staging.getByText('CPU 2 cores / 4 cores (50%)'),
    ).toBeInTheDocument();
    expect(staging.getByText('≈ €80.50/month')).toBeInTheDocument();
    expect(screen.getByText('€100.50')).toBeInTheDocument();
    expect(
      screen.getByText(/Estimated monthly cost of group:default\/payments/),
    ).toBeInTheDocument();
    expect(api.listUsage).toHaveBeenCalledWith('group:default/payments');
  });

  it('asks for every team when "All" is chosen', async () => {
    const api = setup();
    api.listUsage.mockResolvedValue([usage('payments-dev')]);
    await openTeamView(api);
    await userEvent.click(screen.getByLabelText('Team'));
    await userEvent.click(await screen.findByRole('option', { name: 'All' }));
    await screen.findByTestId('usage-payments-dev');
    expect(api.listUsage).toHaveBeenLastCalledWith(undefined);
    // no prices: no cost line
    expect(screen.queryByText(/Estimated monthly cost/)).toBeNull();
  });

  it('keeps the matrix and says why when the usage is denied', async () => {
    const api = setup();
    api.listUsage.mockRejectedValue(
      await httpError(403, 'stagecraft.environment.read denied'),
    );
    const table = await openTeamView(api);
    expect(
      await screen.findByText(
        'You may not see the usage of these environments (stagecraft.environment.read denied).',
      ),
    ).toBeInTheDocument();
    expect(within(table).getByText('payments-worker')).toBeInTheDocument();
    expect(within(table).queryByTestId('usage-row')).toBeNull();
  });

  it('says when usage fails or is not offered', async () => {
    const api = setup();
    api.listUsage.mockRejectedValueOnce(new Error('boom'));
    await openTeamView(api);
    expect(await screen.findByText('Usage unknown: boom')).toBeInTheDocument();
  });

  it('shows no usage (and claims no missing endpoint) when the backend answers 404', async () => {
    const api = setup();
    api.listUsage.mockResolvedValue(undefined);
    const table = await openTeamView(api);
    expect(api.listUsage).toHaveBeenCalled();
    expect(within(table).queryByTestId('usage-row')).not.toBeInTheDocument();
    expect(screen.queryByText(/endpoint/)).not.toBeInTheDocument();
  });

  it('says an unprovisioned environment has no usage yet and points at Provision', async () => {
    const api = setup();
    api.listUsage.mockResolvedValue([usage('payments-dev')]);
    const table = await openTeamView(api);
    await within(table).findByTestId('usage-payments-dev');
    // payments-prod is declared in the catalog only
    expect(
      within(table).getByText(
        'Not provisioned yet: Provision it on the All environments tab',
      ),
    ).toBeInTheDocument();
  });
});
