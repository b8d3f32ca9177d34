import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import {
  environmentEntities,
  mockStagecraftApi,
  renderWithEntity,
  usage,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentUsageCard } from './EnvironmentUsageCard';

const dev = environmentEntities.find(
  e => e.metadata.name === 'payments-dev',
) as Entity;

function renderCard(
  setup: (api: ReturnType<typeof mockStagecraftApi>['api']) => void,
) {
  const { api } = mockStagecraftApi();
  setup(api);
  renderWithEntity(<EnvironmentUsageCard />, {
    entity: dev,
    api,
    entities: [],
  });
  return api;
}

describe('EnvironmentUsageCard', () => {
  it('shows requests and limits against the quota, per component, with the cost', async () => {
    const api = renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          estimate: { currency: 'EUR', monthly: 23.5 },
        }),
      ),
    );
    expect(
      await screen.findByText('CPU requests: 500m of 4 cores (13%)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('CPU limits: 1 core of 4 cores (25%)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Memory requests: 512Mi of 8Gi (6%)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Memory limits: 1Gi of 8Gi (13%)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Pods: 2 of 20 (10%)')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'CPU limits of quota' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText('€23.50')).toBeInTheDocument();
    expect(
      screen.getByText(/Actual usage needs metrics-server/),
    ).toBeInTheDocument();
    const table = within(
      screen.getByRole('table', { name: 'usage per component' }),
    );
    const row = table.getAllByRole('row')[1];
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['payments-worker', '2', '500m / 1 core', '512Mi / 1Gi']);
    expect(api.getEnvironmentUsage).toHaveBeenCalledWith('payments-dev');
  });

  it('shows actual usage when metrics-server reports it, and no cost without prices', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          actual: { cpu: 0.12, memory: 300 * 1024 ** 2 },
        }),
      ),
    );
    expect(
      await screen.findByText('Actual usage: 120m CPU · 300Mi memory'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/metrics-server/)).toBeNull();
    expect(screen.getByText(/No cost estimate/)).toBeInTheDocument();
  });

  it('shows every workload of the namespace with its actual usage, and the actual cost next to the requested', async () => {
    const MI = 1024 ** 2;
    renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          pods: 3,
          requests: { cpu: 0.6, memory: 768 * MI },
          actual: { cpu: 0.05, memory: 100 * MI },
          metrics: { available: true },
          estimate: { currency: 'EUR', monthly: 23.5, actualMonthly: 2.1 },
          workloads: [
            {
              kind: 'Deployment',
              name: 'payments-worker',
              component: 'component:default/payments-worker',
              pods: 2,
              requests: { cpu: 0.5, memory: 512 * MI },
              limits: { cpu: 1, memory: 1024 * MI },
              actual: { cpu: 0.02, memory: 40 * MI },
            },
            {
              kind: 'StatefulSet',
              name: 'orders-db',
              pods: 1,
              requests: { cpu: 0.1, memory: 256 * MI },
              limits: { cpu: 0.2, memory: 512 * MI },
            },
          ],
        }),
      ),
    );
    expect(
      await screen.findByText('Actual usage: 50m CPU · 100Mi memory'),
    ).toBeInTheDocument();
    expect(screen.getByText('€23.50')).toBeInTheDocument();
    expect(screen.getByText('€2.10')).toBeInTheDocument();
    const rows = within(
      screen.getByRole('table', { name: 'usage per workload' }),
    ).getAllByRole('row');
    expect(
      rows.slice(1).map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      ),
    ).toEqual([
      [
        'payments-worker Deployment',
        '2',
        '500m / 1 core',
        '20m',
        '512Mi / 1Gi',
        '40Mi',
      ],
      ['orders-db StatefulSet', '1', '100m / 200m', '—', '256Mi / 512Mi', '—'],
    ]);
  });

  it('says in one line why actual usage is unknown', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          metrics: {
            available: false,
            reason:
              'cluster local does not serve the metrics API (metrics.k8s.io); install metrics-server for actual usage',
          },
        }),
      ),
    );
    expect(
      await screen.findByText(
        'No actual usage: cluster local does not serve the metrics API (metrics.k8s.io); install metrics-server for actual usage.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Actual usage:/)).toBeNull();
  });

  it('marks a quota nearly used up', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          requests: { cpu: 3.8, memory: 1024 ** 3 },
        }),
      ),
    );
    const bar = await screen.findByRole('progressbar', {
      name: 'CPU requests of quota',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '95');
    expect(bar.className).toMatch(/colorSecondary/);
  });

  it('says when nothing runs there', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockResolvedValue(
        usage('payments-dev', {
          requests: { cpu: 0, memory: 0 },
          limits: { cpu: 0, memory: 0 },
          pods: 0,
          components: [],
        }),
      ),
    );
    expect(
      await screen.findByText(/Nothing runs in payments-dev yet/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('CPU requests: 0 of 4 cores (0%)'),
    ).toBeInTheDocument();
  });

  it('shows a spinner while loading', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockReturnValue(new Promise(() => {})),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error', async () => {
    renderCard(a =>
      a.getEnvironmentUsage.mockRejectedValue(new Error('cache not synced')),
    );
    expect(
      await screen.findByText('Error: cache not synced'),
    ).toBeInTheDocument();
  });

  it('says when the user may not see the usage (403)', async () => {
    const err = await httpError(403, 'stagecraft.environment.read denied');
    renderCard(a => a.getEnvironmentUsage.mockRejectedValue(err));
    expect(
      await screen.findByText('You may not see the usage of this environment'),
    ).toBeInTheDocument();
  });

  it('says when there is no usage (not provisioned)', async () => {
    renderCard(a => a.getEnvironmentUsage.mockResolvedValue(undefined));
    expect(
      await screen.findByText(
        /payments-dev is not provisioned yet, so it has no usage/,
      ),
    ).toBeInTheDocument();
  });
});
