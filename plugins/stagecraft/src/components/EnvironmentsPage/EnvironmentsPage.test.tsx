import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deployment,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  revision,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { EnvironmentsPage } from './EnvironmentsPage';

function api() {
  return mockStagecraftApi({
    listEnvironments: jest.fn(async () => [
      provisioned('payments-dev', 'development'),
      provisioned('pr-42', 'preview', {
        owner: 'group:default/checkout-team',
        system: undefined,
        expiresAt: new Date(Date.now() + 3 * 3600e3).toISOString(),
      }),
    ]),
    getDeployments: jest.fn(async () => [
      deployment(
        'payments-dev',
        'development',
        revision('payments-dev', 1, 'ghcr.io/example/payments-worker:1.0.0'),
      ),
    ]),
  }).api;
}

const names = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map(r => r.querySelector('td')?.textContent);

describe('EnvironmentsPage', () => {
  it('lists every environment in pipeline order and filters by tier and expiry', async () => {
    renderWithEntity(<EnvironmentsPage />, {
      entity: workerEntity,
      api: api(),
    });
    const table = await screen.findByRole('table', { name: 'environments' });
    expect(names(table)).toEqual([
      'pr-42',
      'payments-dev',
      'payments-staging',
      'payments-prod',
    ]);
    expect(within(table).getAllByText('Ready')).toHaveLength(2);
    expect(within(table).getAllByText('Not provisioned')).toHaveLength(2);

    await userEvent.click(screen.getByLabelText('Expiring within 24 h'));
    expect(names(table)).toEqual(['pr-42']);
    expect(within(table).getByText('in 3 h')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Expiring within 24 h'));

    await userEvent.click(screen.getByLabelText('Tier'));
    await userEvent.click(screen.getByRole('option', { name: 'production' }));
    expect(names(table)).toEqual(['payments-prod']);
  });

  it('shows the team view: components × environments', async () => {
    renderWithEntity(<EnvironmentsPage />, {
      entity: workerEntity,
      api: api(),
    });
    await screen.findByRole('table', { name: 'environments' });
    await userEvent.click(screen.getByRole('tab', { name: 'Team view' }));
    const table = await screen.findByRole('table', { name: 'team matrix' });
    const header = within(table).getAllByRole('columnheader');
    expect(header.map(h => h.textContent)).toEqual([
      'Component',
      'payments-dev',
      'payments-staging',
      'payments-prod',
    ]);
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('payments-worker')).toBeInTheDocument();
    expect(within(row).getByText('1.0.0')).toBeInTheDocument();
    expect(within(row).getByText('Healthy')).toBeInTheDocument();
  });

  it('explains how to get environments when there are none', async () => {
    renderWithEntity(<EnvironmentsPage />, {
      entity: workerEntity,
      api: mockStagecraftApi().api,
      entities: [],
    });
    expect(await screen.findByText('No environments yet')).toBeInTheDocument();
  });

  it('shows the error when environments cannot be listed', async () => {
    renderWithEntity(<EnvironmentsPage />, {
      entity: workerEntity,
      api: mockStagecraftApi({
        listEnvironments: jest.fn(async () => {
          throw new Error('permission denied');
        }),
      }).api,
    });
    expect(
      await screen.findByText('Error: permission denied'),
    ).toBeInTheDocument();
  });
});
