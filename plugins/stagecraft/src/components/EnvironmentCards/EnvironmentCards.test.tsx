import { screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import {
  deployment,
  environmentEntities,
  mockStagecraftApi,
  renderWithEntity,
  revision,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { EnvironmentWorkloadsCard } from './EnvironmentWorkloadsCard';
import { EnvironmentResourcesCard } from './EnvironmentResourcesCard';

const staging: Entity = environmentEntities[2];

describe('EnvironmentWorkloadsCard', () => {
  it('lists the components running in the environment with their health', async () => {
    const { api } = mockStagecraftApi({
      getDeployments: jest.fn(async () => [
        deployment(
          'payments-dev',
          'development',
          revision('payments-dev', 2, 'ghcr.io/example/payments-worker:1.0.1'),
        ),
        deployment(
          'payments-staging',
          'staging',
          revision(
            'payments-staging',
            1,
            'ghcr.io/example/payments-worker:1.0.0',
          ),
          {
            phase: 'progressing',
            replicas: { desired: 2, updated: 1, ready: 1, available: 1 },
          },
        ),
      ]),
    });
    renderWithEntity(<EnvironmentWorkloadsCard />, {
      entity: staging,
      api,
      entities: [workerEntity],
    });
    const table = await screen.findByRole('table', { name: 'workloads' });
    expect(within(table).getByText('payments-worker')).toBeInTheDocument();
    expect(within(table).getByText('1.0.0')).toBeInTheDocument();
    expect(within(table).queryByText('1.0.1')).not.toBeInTheDocument();
    expect(within(table).getByText('Rolling out')).toBeInTheDocument();
    expect(within(table).getByText('1/2')).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenCalledWith(WORKER);
  });

  it('says how to deploy something when nothing runs there', async () => {
    const { api } = mockStagecraftApi();
    renderWithEntity(<EnvironmentWorkloadsCard />, {
      entity: staging,
      api,
      entities: [workerEntity],
    });
    expect(
      await screen.findByText('Nothing runs here yet'),
    ).toBeInTheDocument();
    expect(screen.getByText(/from its Deployments tab/)).toBeInTheDocument();
  });

  it('shows the error of a failed lookup', async () => {
    const { api } = mockStagecraftApi({
      getDeployments: jest.fn(async () => {
        throw new Error('stagecraft backend unavailable');
      }),
    });
    renderWithEntity(<EnvironmentWorkloadsCard />, {
      entity: staging,
      api,
      entities: [workerEntity],
    });
    expect(
      await screen.findByText('Error: stagecraft backend unavailable'),
    ).toBeInTheDocument();
  });
});

describe('EnvironmentResourcesCard', () => {
  it('says a 404 means the environment is not provisioned yet, and points at Provision', async () => {
    const { api } = mockStagecraftApi();
    renderWithEntity(<EnvironmentResourcesCard />, { entity: staging, api });
    expect(
      await screen.findByText(
        /payments-staging is not provisioned yet, so it has no resources\. Provision it/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/endpoint/)).not.toBeInTheDocument();
    expect(api.getEnvironmentResources).toHaveBeenCalledWith(
      'payments-staging',
    );
  });

  it('lists type and id of each resource, never its outputs', async () => {
    const { api } = mockStagecraftApi({
      getEnvironmentResources: jest.fn(async () => [
        {
          type: 'postgres',
          id: 'checkout-db',
          status: { ready: true },
          // never shown, whatever a backend sends
          outputs: [{ name: 's3cr3t-value', secret: true }],
        },
      ]),
    });
    renderWithEntity(<EnvironmentResourcesCard />, { entity: staging, api });
    expect(await screen.findByText('postgres')).toBeInTheDocument();
    expect(screen.getByText('checkout-db')).toBeInTheDocument();
    expect(screen.queryByText(/s3cr3t-value/)).not.toBeInTheDocument();
  });

  it("shows each resource's name, who requested it and its live status (never [object Object])", async () => {
    const { api } = mockStagecraftApi({
      getEnvironmentResources: jest.fn(async () => [
        {
          environment: 'payments-staging',
          name: 'checkout-db',
          type: 'postgres',
          class: 'default',
          driver: 'manifest',
          definition: 'postgres-default',
          objects: ['StatefulSet/checkout-db'],
          outputs: [{ name: 'password', secret: true }],
          consumers: [
            {
              component: 'component:default/checkout',
              resource: 'db',
              actor: 'user:default/guest',
              at: new Date(Date.now() - 60_000).toISOString(),
            },
          ],
          createdBy: 'user:default/guest',
          createdAt: new Date(Date.now() - 60_000).toISOString(),
          updatedAt: new Date().toISOString(),
          status: { ready: false, message: '0/1 replicas ready' },
        },
      ]),
    });
    renderWithEntity(<EnvironmentResourcesCard />, { entity: staging, api });
    const table = within(
      await screen.findByRole('table', { name: 'resources' }),
    );
    expect(table.getByText('checkout-db')).toBeInTheDocument();
    expect(table.getByText('postgres · default')).toBeInTheDocument();
    expect(
      table.getByText('Not ready: 0/1 replicas ready'),
    ).toBeInTheDocument();
    expect(
      table.getByText(/\(resources\.db\), deployed by/),
    ).toBeInTheDocument();
    expect(table.getByText('1 min ago')).toBeInTheDocument();
    expect(screen.queryByText(/object Object/)).not.toBeInTheDocument();
  });

  it('explains how resources get there when there are none', async () => {
    const { api } = mockStagecraftApi({
      getEnvironmentResources: jest.fn(async () => []),
    });
    renderWithEntity(<EnvironmentResourcesCard />, { entity: staging, api });
    expect(
      await screen.findByText('No resources provisioned here'),
    ).toBeInTheDocument();
  });
});
