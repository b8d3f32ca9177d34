import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import type { Entity } from '@backstage/catalog-model';
import {
  discoveryApiRef,
  fetchApiRef,
  type AnyApiFactory,
} from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { StagecraftClient, stagecraftApiRef } from '../api/StagecraftApi';
import type { StagecraftApi } from '../api/StagecraftApi';
import {
  environmentEntities,
  permissions,
  workerEntity,
} from '../__testUtils__/fixtures';
import { liveApi } from '../__testUtils__/liveDeployments';
import {
  EntityStagecraftConfigContent,
  EntityStagecraftDeploymentsContent,
  EntityStagecraftEnvironmentEventsCard,
  EntityStagecraftEnvironmentWorkloadsCard,
  StagecraftEnvironmentsPage,
  isStagecraftAvailable,
  isStagecraftEnvironment,
  stagecraftPlugin,
} from '..';

// The package root's legacy frontend system (@backstage/core-plugin-api), in a legacy test
// app (@backstage/test-utils): the same components as the new system's
// blueprints, mounted by the package root's extensions.

/**
 * Renders an extension of the package root in a legacy test app, at a route
 * of its own as an app's EntityLayout.Route or Route gives it.
 */
function renderLegacy(
  extension: JSX.Element,
  { entity, api }: { entity?: Entity; api: StagecraftApi },
) {
  const element = (
    <Routes>
      <Route path="/*" element={extension} />
    </Routes>
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [stagecraftApiRef, api],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [...environmentEntities, workerEntity],
          }),
        ],
        [permissionApiRef, permissions()],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        {entity ? (
          <EntityProvider entity={entity}>{element}</EntityProvider>
        ) : (
          element
        )}
      </SWRConfig>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('legacy frontend system', () => {
  it('the Deployments tab shows the environments of the component with their release', async () => {
    const { api } = liveApi();
    await renderLegacy(<EntityStagecraftDeploymentsContent />, {
      entity: workerEntity,
      api,
    });
    const dev = within(await screen.findByTestId('env-payments-dev'));
    expect(dev.getByText('1.0.0')).toBeInTheDocument();
    expect(screen.getByTestId('env-payments-staging')).toBeInTheDocument();
    expect(screen.getByTestId('env-payments-prod')).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenCalledWith(
      'component:default/payments-worker',
    );
  });

  it('the Config tab says how to start when the component has no workload spec', async () => {
    const { api } = liveApi();
    const bare: Entity = {
      ...workerEntity,
      metadata: { name: 'bare', namespace: 'default' },
    };
    await renderLegacy(<EntityStagecraftConfigContent />, {
      entity: bare,
      api,
    });
    expect(await screen.findByText('No workload spec yet')).toBeInTheDocument();
  });

  it('the Environment workloads card lists what runs in the environment', async () => {
    const { api } = liveApi();
    await renderLegacy(<EntityStagecraftEnvironmentWorkloadsCard />, {
      entity: environmentEntities[1],
      api,
    });
    const table = await screen.findByRole('table', { name: 'workloads' });
    expect(within(table).getByText('payments-worker')).toBeInTheDocument();
  });

  it("the Deployments tab opens a row's logs, which stream in", async () => {
    const { api, emitLog } = liveApi();
    await renderLegacy(<EntityStagecraftDeploymentsContent />, {
      entity: workerEntity,
      api,
    });
    await screen.findByTestId('env-payments-dev');
    fireEvent.click(
      await screen.findByRole('button', { name: 'Logs in payments-dev' }),
    );
    await waitFor(() => expect(api.followLogs).toHaveBeenCalled());
    act(() =>
      emitLog({
        type: 'line',
        line: {
          pod: 'payments-worker-1',
          container: 'main',
          time: '2026-12-01T12:00:00Z',
          text: 'hello from the legacy app',
        },
      }),
    );
    expect(
      await within(screen.getByRole('dialog')).findByText(
        'hello from the legacy app',
      ),
    ).toBeInTheDocument();
  });

  it("the Environment events card shows the namespace's events", async () => {
    const { api } = liveApi();
    api.getClusterEvents.mockResolvedValue({
      items: [
        {
          type: 'Warning',
          reason: 'FailedCreate',
          message: 'exceeded quota: stagecraft-quota',
          object: { kind: 'ReplicaSet', name: 'payments-worker-1' },
          count: 3,
          firstTime: new Date().toISOString(),
          lastTime: new Date().toISOString(),
        },
      ],
    });
    await renderLegacy(<EntityStagecraftEnvironmentEventsCard />, {
      entity: environmentEntities[1],
      api,
    });
    const table = await screen.findByRole('table', { name: 'cluster events' });
    expect(within(table).getByText('FailedCreate')).toBeInTheDocument();
    expect(within(table).getByText('×3')).toBeInTheDocument();
    expect(api.getClusterEvents).toHaveBeenCalledWith({
      environment: 'payments-dev',
      component: undefined,
    });
  });

  it('the Environments page lists the environments under its own header', async () => {
    const { api } = liveApi();
    await renderLegacy(<StagecraftEnvironmentsPage />, { api });
    expect(
      screen.getByRole('heading', { name: 'Environments' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('payments-staging')).toBeInTheDocument();
  });

  it('the plugin brings the factory of the Stagecraft API client', () => {
    const factory = [...stagecraftPlugin.getApis()].find(
      (f: AnyApiFactory) => f.api.id === stagecraftApiRef.id,
    );
    expect(factory).toBeDefined();
    expect(Object.values(factory!.deps).map(d => d.id)).toEqual([
      discoveryApiRef.id,
      fetchApiRef.id,
    ]);
    const client = factory!.factory({
      discoveryApi: mockApis.discovery(),
      fetchApi: { fetch: jest.fn() },
    });
    expect(client).toBeInstanceOf(StagecraftClient);
  });

  it('isStagecraftAvailable: a Component with a workload spec or deployments', () => {
    expect(isStagecraftAvailable(workerEntity)).toBe(true);
    expect(
      isStagecraftAvailable({
        ...workerEntity,
        metadata: {
          name: 'deployed',
          annotations: { 'stagecraft.io/deployed-to': 'payments-dev' },
        },
      }),
    ).toBe(true);
    expect(
      isStagecraftAvailable({
        ...workerEntity,
        metadata: { name: 'bare' },
      }),
    ).toBe(false);
    expect(isStagecraftAvailable(environmentEntities[0])).toBe(false);
    expect(isStagecraftEnvironment(environmentEntities[0])).toBe(true);
    expect(isStagecraftEnvironment(workerEntity)).toBe(false);
  });
});
