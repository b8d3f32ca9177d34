import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import type { StagecraftApi } from '../../api/StagecraftApi';
import {
  environmentActions,
  environmentEntities,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  tooltipOf,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentOverviewCard } from '../EnvironmentOverviewCard';
import { EnvironmentsPage } from '../EnvironmentsPage';

const dev: Entity = environmentEntities[1];

function renderCard(overrides: Partial<StagecraftApi>, denied: string[] = []) {
  const { api } = mockStagecraftApi({
    getEnvironment: jest.fn(async () => {
      throw await httpError(404, 'environment "payments-dev" not found');
    }),
    ...overrides,
  });
  renderWithEntity(<EnvironmentOverviewCard />, {
    entity: dev,
    api,
    entities: [],
    denied,
  });
  return api;
}

describe('Provision a declared environment', () => {
  it('on the Environment card: progress while it runs, then the provisioned environment', async () => {
    let finish: (
      v: Awaited<ReturnType<StagecraftApi['provisionEnvironment']>>,
    ) => void = () => {};
    const api = renderCard({
      provisionEnvironment: jest.fn(
        () => new Promise(resolve => (finish = resolve)),
      ),
    });
    const button = await screen.findByRole('button', {
      name: 'Provision payments-dev',
    });
    expect(
      screen.getByText(/not provisioned yet: Provision creates it/),
    ).toBeInTheDocument();
    await userEvent.click(button);
    expect(api.provisionEnvironment).toHaveBeenCalledWith('payments-dev');
    expect(
      await screen.findByText('Provisioning payments-dev…'),
    ).toBeInTheDocument();
    expect(button).toBeDisabled();
    finish({
      environment: provisioned('payments-dev', 'development'),
      created: true,
    });
    expect(
      await screen.findByText('just now, from this declaration'),
    ).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
    expect(screen.getByText('managed by Stagecraft')).toBeInTheDocument();
  });

  it.each([
    [
      409,
      'spec.tier differs: staging (provisioned) vs development (declared)',
      /differs from this declaration/,
    ],
    [
      404,
      'no Environment entity payments-dev',
      /No declared environment payments-dev/,
    ],
    [403, 'user:default/guest may not create environments', /Not allowed/],
  ])('shows a %s answer with its message', async (status, message, title) => {
    renderCard({
      provisionEnvironment: jest.fn(async () => {
        throw await httpError(status, message);
      }),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Provision payments-dev' }),
    );
    expect(await screen.findByText(title)).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(message.slice(0, 20))),
    ).toBeInTheDocument();
  });

  it("is disabled with the backend's reason when the user may not provision", async () => {
    renderCard({
      getEnvironmentActions: jest.fn(async () =>
        environmentActions(
          'payments-dev',
          { provisioned: false },
          {
            provision: {
              code: 'forbidden',
              message: 'Only group:default/platform may provision payments-dev',
            },
          },
        ),
      ),
    });
    const button = await screen.findByRole('button', {
      name: 'Provision payments-dev',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(await tooltipOf(button)).toBe(
      'Only group:default/platform may provision payments-dev',
    );
  });

  it('in the Environments list, for declared environments only', async () => {
    const { api } = mockStagecraftApi({
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
      ]),
      provisionEnvironment: jest.fn(async () => ({
        environment: provisioned('payments-prod', 'production', {
          phase: 'Provisioning',
        }),
        created: false,
      })),
    });
    renderWithEntity(<EnvironmentsPage />, { entity: workerEntity, api });
    const table = await screen.findByRole('table', { name: 'environments' });
    expect(
      within(table).queryByRole('button', { name: 'Provision payments-dev' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(table).getByRole('button', { name: 'Provision payments-prod' }),
    );
    expect(await within(table).findByText('Provisioning')).toBeInTheDocument();
    expect(
      within(table).queryByRole('button', { name: 'Provision payments-prod' }),
    ).not.toBeInTheDocument();
  });
});
