import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { StagecraftApi } from '../../api/StagecraftApi';
import {
  environmentActions,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  tooltipOf,
} from '../../__testUtils__/fixtures';
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

function renderCard(
  overrides: Partial<StagecraftApi>,
  e: Entity = entity,
  denied: string[] = [],
) {
  const { api } = mockStagecraftApi({
    getEnvironment: jest.fn(async () => {
      const err = new Error('environment payments-preview not found');
      Object.assign(err, { response: { status: 404 } });
      throw err;
    }),
    ...overrides,
  });
  renderWithEntity(<EnvironmentOverviewCard />, {
    entity: e,
    api,
    entities: [],
    denied,
  });
  return api;
}

const prod: Entity = {
  ...entity,
  metadata: { name: 'payments-prod' },
  spec: { ...entity.spec, tier: 'production', namespace: 'payments-prod' },
};
delete (prod.spec as Record<string, unknown>).expiresAt;

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
    expect(
      await screen.findByText(/declared only — not provisioned yet/),
    ).toBeInTheDocument();
  });

  it('shows phase, a TTL countdown and quota of a provisioned environment, and extends it', async () => {
    const expiresAt = new Date(Date.now() + 2 * 3600e3).toISOString();
    const later = new Date(Date.now() + 26 * 3600e3).toISOString();
    const api = renderCard({
      getEnvironment: jest.fn(async () =>
        provisioned('payments-preview', 'preview', { expiresAt }),
      ),
      extendEnvironment: jest.fn(async () =>
        provisioned('payments-preview', 'preview', { expiresAt: later }),
      ),
    });
    expect(await screen.findByText('Ready')).toBeInTheDocument();
    expect(screen.getByText(/^01:5\d:\d\d left$/)).toBeInTheDocument();
    expect(
      screen.getByText(/limit 4 CPU · 8Gi memory · 20 pods/),
    ).toBeInTheDocument();
    expect(screen.getByText('managed by Stagecraft')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Extend' }));
    await waitFor(() =>
      expect(api.extendEnvironment).toHaveBeenCalledWith(
        'payments-preview',
        '24h',
      ),
    );
    expect(
      await screen.findByText(/^1d 0\d:\d\d:\d\d left$/),
    ).toBeInTheDocument();
  });

  it("shows the cluster's warnings on the environment's last provisioning", async () => {
    const warning =
      'Namespace/payments-pr-42: existing pods in namespace "payments-pr-42" violate the new PodSecurity enforce level "restricted:latest"';
    renderCard({
      getEnvironment: jest.fn(async () =>
        provisioned('payments-preview', 'preview', { warnings: [warning] }),
      ),
    });
    const list = await screen.findByRole('list', { name: 'cluster warnings' });
    expect(within(list).getByText(warning)).toBeInTheDocument();
    expect(screen.getByText('The cluster warns')).toBeInTheDocument();
  });

  it('deletes a production environment only after its name is typed', async () => {
    const api = renderCard(
      {
        getEnvironment: jest.fn(async () =>
          provisioned('payments-prod', 'production'),
        ),
      },
      prod,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete environment' }),
    );
    const dialog = await screen.findByRole('dialog');
    const del = within(dialog).getByRole('button', { name: 'Delete' });
    expect(del).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Confirm name'),
      'payments-prod',
    );
    await userEvent.click(del);
    await waitFor(() =>
      expect(api.deleteEnvironment).toHaveBeenCalledWith(
        'payments-prod',
        'payments-prod',
      ),
    );
    expect(
      await screen.findByText(/Deleting payments-prod/),
    ).toBeInTheDocument();
  });

  it("disables Extend and Delete with the backend's reasons", async () => {
    renderCard(
      {
        getEnvironment: jest.fn(async () =>
          provisioned('payments-preview', 'preview', {
            expiresAt: new Date(Date.now() + 3600e3).toISOString(),
          }),
        ),
        getEnvironmentActions: jest.fn(async () =>
          environmentActions(
            'payments-preview',
            {},
            {
              extend: {
                code: 'forbidden',
                message:
                  'Only group:default/payments may change payments-preview',
              },
              delete: {
                code: 'forbidden',
                message:
                  'Only group:default/payments may delete payments-preview',
              },
            },
          ),
        ),
      },
      entity,
    );
    await screen.findByText('Ready');
    const remove = screen.getByRole('button', { name: 'Delete environment' });
    await waitFor(() => expect(remove).toBeDisabled());
    expect(screen.getByRole('button', { name: 'Extend' })).toBeDisabled();
    expect(await tooltipOf(remove)).toBe(
      'Only group:default/payments may delete payments-preview',
    );
  });

  it("offers extensions up to the type's maxTtl and names the limit", async () => {
    renderCard(
      {
        getEnvironment: jest.fn(async () =>
          provisioned('payments-preview', 'preview', {
            expiresAt: new Date(Date.now() + 3600e3).toISOString(),
          }),
        ),
        getEnvironmentActions: jest.fn(async () =>
          environmentActions('payments-preview', { maxTtl: '2d23h' }),
        ),
      },
      entity,
    );
    expect(
      await screen.findByText("at most 2d23h more (the type's maxTtl)"),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Extend by' }));
    const options = within(screen.getByRole('listbox'))
      .getAllByRole('option')
      .map(o => o.textContent);
    expect(options).toEqual(['+8h', '+24h']);
  });

  it('says Deleting, not Ready, once Delete was confirmed', async () => {
    renderCard(
      {
        getEnvironment: jest.fn(async () =>
          provisioned('payments-preview', 'preview'),
        ),
      },
      entity,
    );
    await screen.findByText('Ready');
    const remove = screen.getByRole('button', { name: 'Delete environment' });
    await waitFor(() => expect(remove).toBeEnabled());
    await userEvent.click(remove);
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Delete',
      }),
    );
    expect(await screen.findByText('Deleting')).toBeInTheDocument();
    expect(screen.queryByText('Ready')).not.toBeInTheDocument();
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
