// A cluster whose credentials Stagecraft's identity has lost (issue 21): the
// Deployments tab and the Environment page say which cluster and why, instead
// of the last status seen shown as live (or "Missing in cluster").
import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import {
  deployment,
  environmentEntities,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  revision,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { DeploymentsContent } from '../DeploymentsContent';
import { EnvironmentWorkloadsCard } from '../EnvironmentCards/EnvironmentWorkloadsCard';
import { EnvironmentOverviewCard } from '../EnvironmentOverviewCard';

const REFUSED =
  "cluster local: credentials refused (401 Unauthorized) — Stagecraft's identity on it is expired, revoked or not valid for this cluster; renew it (see docs/cluster-access.md)";

const refusedHealth = async () => ({
  status: 'degraded' as const,
  clusters: [
    {
      name: 'local',
      reachable: false,
      error: `${REFUSED} (auth: serviceAccountTokenFile)`,
      latencyMs: 3,
    },
  ],
});

const devRevision = revision(
  'payments-dev',
  1,
  'ghcr.io/example/payments-worker:1.0.0',
);

describe('a cluster that refuses Stagecraft’s credentials', () => {
  it('the Deployments tab names the cluster and the refused credential, per cluster and per row', async () => {
    const { api } = mockStagecraftApi({
      getHealth: jest.fn(refusedHealth),
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
      ]),
      getDeployments: jest.fn(async () => [
        deployment('payments-dev', 'development', devRevision, {
          clusterError: REFUSED,
        }),
      ]),
    });
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(
      await screen.findByText(/Cluster "local": credentials refused \(401\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^cluster local: credentials refused \(401 Unauthorized\) — .*\(auth: serviceAccountTokenFile\) — failing since/,
      ),
    ).toBeInTheDocument();
    // the row: the error, not the last phase seen presented as live
    const row = screen.getByTestId('env-payments-dev');
    expect(
      within(row).getByText('Credentials refused (401)'),
    ).toBeInTheDocument();
    expect(
      within(row).getByText(`${REFUSED} (last status seen: complete)`),
    ).toBeInTheDocument();
    expect(within(row).queryByText('Healthy')).not.toBeInTheDocument();
  });

  it('the rows of clusters that answer stay live', async () => {
    const { api } = mockStagecraftApi({
      getHealth: jest.fn(async () => ({
        status: 'ok' as const,
        clusters: [{ name: 'local', reachable: true, version: 'v1.37.2' }],
      })),
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
      ]),
      getDeployments: jest.fn(async () => [
        deployment('payments-dev', 'development', devRevision),
      ]),
    });
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const row = await screen.findByTestId('env-payments-dev');
    expect(await within(row).findByText('Healthy')).toBeInTheDocument();
    expect(within(row).queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/credentials refused/)).not.toBeInTheDocument();
  });

  it('the Environment page’s workloads card shows the error instead of a status', async () => {
    const staging: Entity = environmentEntities[2];
    const { api } = mockStagecraftApi({
      getDeployments: jest.fn(async () => [
        deployment(
          'payments-staging',
          'staging',
          revision(
            'payments-staging',
            1,
            'ghcr.io/example/payments-worker:1.0.0',
          ),
          { phase: 'missing', clusterError: REFUSED },
        ),
      ]),
    });
    renderWithEntity(<EnvironmentWorkloadsCard />, {
      entity: staging,
      api,
      entities: [workerEntity],
    });
    const table = await screen.findByRole('table', { name: 'workloads' });
    expect(
      within(table).getByText('Credentials refused (401)'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText(`${REFUSED} (last status seen: missing)`),
    ).toBeInTheDocument();
    expect(
      within(table).queryByText(/Missing in cluster/),
    ).not.toBeInTheDocument();
  });

  it('the Environment page’s overview card says the credential was refused, not just "unreachable"', async () => {
    const { api } = mockStagecraftApi({
      getHealth: jest.fn(refusedHealth),
      getEnvironment: jest.fn(async () => {
        throw Object.assign(new Error('not found'), {
          response: { status: 404 },
        });
      }),
    });
    renderWithEntity(<EnvironmentOverviewCard />, {
      entity: environmentEntities[2],
      api,
      entities: [],
    });
    const alert = await screen.findByText(
      `${REFUSED} (auth: serviceAccountTokenFile)`,
    );
    expect(alert).toHaveAttribute('role', 'alert');
    expect(screen.queryByText(/unreachable/)).not.toBeInTheDocument();
  });
});
