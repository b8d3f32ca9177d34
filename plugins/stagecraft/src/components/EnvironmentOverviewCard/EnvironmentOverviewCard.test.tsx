import { screen } from '@testing-library/react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { stagecraftApiRef, StagecraftApi } from '../../api/StagecraftApi';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';

const entity: Entity = {
  apiVersion: 'stagecraft.io/v1alpha1',
  kind: 'Environment',
  metadata: {
    name: 'payments-preview',
    annotations: { 'stagecraft.io/managed': 'true' },
  },
  spec: {
    tier: 'preview',
    owner: 'group:default/payments',
    system: 'payments',
    cluster: 'local',
    namespace: 'payments-pr-42',
    expiresAt: new Date(Date.now() + 3 * 86400e3).toISOString(),
  },
};

function renderCard(api: StagecraftApi, e: Entity = entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[stagecraftApiRef, api]]}>
      <EntityProvider entity={e}>
        <EnvironmentOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EnvironmentOverviewCard', () => {
  it('shows tier, namespace, owner, expiry and the cluster as reachable', async () => {
    await renderCard({
      getHealth: async () => ({
        status: 'ok',
        clusters: [
          { name: 'local', reachable: true, version: 'v1.34.1', latencyMs: 2 },
        ],
      }),
    });
    expect(await screen.findByText('reachable · v1.34.1')).toBeInTheDocument();
    expect(screen.getAllByText('preview').length).toBeGreaterThan(0);
    expect(screen.getByText('payments-pr-42')).toBeInTheDocument();
    expect(
      screen.getAllByRole('link').map(a => a.getAttribute('href')),
    ).toEqual([
      '/catalog/default/group/payments',
      '/catalog/default/system/payments',
    ]);
    expect(screen.getByText(/\(in 3 days\)/)).toBeInTheDocument();
    expect(screen.getByText('managed by Stagecraft')).toBeInTheDocument();
  });

  it('says which cluster is unreachable and why', async () => {
    await renderCard({
      getHealth: async () => ({
        status: 'degraded',
        clusters: [
          {
            name: 'local',
            reachable: false,
            error: 'ECONNREFUSED',
            latencyMs: 1,
          },
        ],
      }),
    });
    expect(
      await screen.findByText('local: unreachable (ECONNREFUSED)'),
    ).toBeInTheDocument();
  });

  it('tells the user what to do when the cluster is not configured', async () => {
    await renderCard({
      getHealth: async () => ({ status: 'ok', clusters: [] }),
    });
    expect(
      await screen.findByText(/local: not configured in Stagecraft/),
    ).toBeInTheDocument();
  });
});
