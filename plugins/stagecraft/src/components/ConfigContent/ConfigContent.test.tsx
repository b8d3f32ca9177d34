import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { EffectiveConfig } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  mockStagecraftApi,
  provisioned,
  refuseActions,
  renderWithEntity,
  tooltipOf,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { ConfigContent } from './ConfigContent';

const config: EffectiveConfig = {
  environment: 'payments-dev',
  component: WORKER,
  layers: [
    { layer: 'environment-type', values: { REGION: 'eu' } },
    { layer: 'environment', version: 3, values: { LOG_LEVEL: 'info' } },
    { layer: 'component', version: 2, values: { LOG_LEVEL: 'debug' } },
  ],
  values: { REGION: 'eu', LOG_LEVEL: 'debug' },
  version: 'env3.cmp2',
};

function api() {
  return mockStagecraftApi({
    getConfig: jest.fn(async () => config),
    getConfigHistory: jest.fn(async () => [
      {
        scope: `${WORKER}@payments-dev`,
        version: 2,
        values: { LOG_LEVEL: 'debug' },
        actor: 'user:default/guest',
        at: new Date().toISOString(),
        message: 'chase a bug',
        changed: ['LOG_LEVEL'],
      },
    ]),
    listSecrets: jest.fn(async () => [
      {
        key: 'API_TOKEN',
        version: 3,
        hash: 'abcdef123456',
        updatedBy: 'user:default/guest',
        updatedAt: new Date().toISOString(),
      },
    ]),
  }).api;
}

describe('ConfigContent', () => {
  afterEach(() => jest.useRealTimers());

  it('shows effective values with their layer, history, and secrets by key and version only', async () => {
    const a = api();
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    const table = await screen.findByRole('table', {
      name: 'effective configuration',
    });
    expect(
      screen.getByText(
        'Effective configuration (component values v2 + environment values v3)',
      ),
    ).toBeInTheDocument();
    const logLevel = within(table).getByText('LOG_LEVEL').closest('tr')!;
    expect(within(logLevel).getByText('debug')).toBeInTheDocument();
    expect(within(logLevel).getByText('component')).toBeInTheDocument();
    expect(screen.getByText('chase a bug')).toBeInTheDocument();
    const secrets = screen.getByRole('table', { name: 'secrets' });
    expect(within(secrets).getByText('API_TOKEN')).toBeInTheDocument();
    expect(within(secrets).getByText('v3')).toBeInTheDocument();
    expect(screen.queryByText(/abcdef123456/)).not.toBeInTheDocument();
    // tabs in pipeline order, the first selected
    expect(screen.getAllByRole('tab').map(t => t.textContent)).toEqual([
      'payments-dev',
      'payments-staging',
      'payments-prod',
    ]);
    expect(a.getConfig).toHaveBeenCalledWith('payments-dev', WORKER);
  });

  it('edits with a dry-run diff before saving', async () => {
    const a = api();
    a.setConfig.mockImplementation(async req => ({
      dryRun: !!req.dryRun,
      effective: config,
      changes: [{ key: 'LOG_LEVEL', before: 'debug', after: 'warn' }],
    }));
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const value = within(dialog).getByLabelText('value of LOG_LEVEL');
    await userEvent.clear(value);
    await userEvent.type(value, 'warn');
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview changes' }),
    );
    expect(
      await within(dialog).findByText('-LOG_LEVEL=debug'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('+LOG_LEVEL=warn')).toBeInTheDocument();
    expect(a.setConfig).toHaveBeenCalledWith({
      environment: 'payments-dev',
      component: WORKER,
      values: { LOG_LEVEL: 'warn' },
      dryRun: true,
    });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(a.setConfig).toHaveBeenLastCalledWith(
        expect.objectContaining({ dryRun: false }),
      ),
    );
    await waitFor(() => expect(a.getConfig).toHaveBeenCalledTimes(2));
  });

  it("disables Edit with the backend's reason", async () => {
    const a = api();
    refuseActions(a, [
      {
        environment: 'payments-dev',
        actions: ['configUpdate'],
        message:
          'Only group:default/payments (the owner of payments-dev) may change configuration in payments-dev',
      },
    ]);
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    await screen.findByRole('table', { name: 'effective configuration' });
    const edit = screen.getByRole('button', { name: 'Edit' });
    await waitFor(() => expect(edit).toBeDisabled());
    expect(await tooltipOf(edit)).toMatch(/^Only group:default\/payments/);
  });

  it('restores an earlier version after a dry run (issue 18, item 7)', async () => {
    const a = api();
    const older = {
      scope: `${WORKER}@payments-dev`,
      version: 1,
      values: { LOG_LEVEL: 'info' },
      actor: 'user:default/guest',
      at: new Date(Date.now() - 3600e3).toISOString(),
      message: 'first',
      changed: ['LOG_LEVEL'],
    };
    a.getConfigHistory.mockImplementation(async () => [
      {
        ...older,
        version: 2,
        values: { LOG_LEVEL: 'debug' },
        message: 'chase a bug',
      },
      older,
    ]);
    const change = {
      effective: config,
      changes: [{ key: 'LOG_LEVEL', before: 'debug', after: 'info' }],
    };
    a.rollbackConfig.mockImplementation(async r => ({
      ...change,
      dryRun: !!r.dryRun,
    }));
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    // the newest version is the current one: only older ones are restorable
    const restore = await screen.findByRole('button', {
      name: 'Restore version 1',
    });
    expect(
      screen.queryByRole('button', { name: 'Restore version 2' }),
    ).toBeNull();
    await waitFor(() => expect(restore).toBeEnabled());
    await userEvent.click(restore);
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.click(
      dialog.getByRole('button', { name: 'Preview changes' }),
    );
    expect(await dialog.findByText(/LOG_LEVEL=info/)).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Restore' }));
    await waitFor(() =>
      expect(a.rollbackConfig).toHaveBeenLastCalledWith({
        environment: 'payments-dev',
        component: WORKER,
        version: 1,
        dryRun: false,
      }),
    );
  });

  it('lists every environment the component runs in, a system-less one too', async () => {
    const a = api();
    a.getDeployments.mockResolvedValue([
      { environment: 'svc-dev', tier: 'development' },
    ]);
    a.listEnvironments.mockResolvedValue([
      { ...provisioned('svc-dev', 'development'), system: undefined },
    ]);
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    expect(
      await screen.findByRole('tab', { name: 'svc-dev' }),
    ).toBeInTheDocument();
  });

  it('shows the error when the config cannot be read', async () => {
    const a = api();
    a.getConfig.mockRejectedValue(
      new Error('environment payments-dev not found'),
    );
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    expect(
      await screen.findByText('Error: environment payments-dev not found'),
    ).toBeInTheDocument();
  });

  it('shows a spinner while loading', async () => {
    // fake time: the wait for it counts simulated time, not a busy machine's
    jest.useFakeTimers();
    const a = api();
    a.getConfig.mockReturnValue(new Promise(() => {}));
    renderWithEntity(<ConfigContent />, { entity: workerEntity, api: a });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});
