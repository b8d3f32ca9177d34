import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import {
  approval,
  environmentEntities,
  mockStagecraftApi,
  refuseActions,
  renderWithEntity,
  tooltipOf,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentApprovalsCard } from './EnvironmentApprovalsCard';

const staging = environmentEntities.find(
  e => e.metadata.name === 'payments-staging',
) as Entity;

function renderCard(
  setup: (api: ReturnType<typeof mockStagecraftApi>['api']) => void,
  denied: string[] = [],
) {
  const { api } = mockStagecraftApi();
  setup(api);
  renderWithEntity(<EnvironmentApprovalsCard />, {
    entity: staging,
    api,
    entities: [],
    denied,
  });
  return api;
}

describe('EnvironmentApprovalsCard', () => {
  afterEach(() => jest.useRealTimers());

  it('lists the pending requests of the environment and approves one', async () => {
    const api = renderCard(a => {
      a.listApprovals.mockResolvedValue([approval()]);
      a.approve.mockResolvedValue(
        approval({
          state: 'executed',
          revision: 4,
          approvals: [
            { by: 'user:default/guest', at: new Date().toISOString() },
          ],
        }),
      );
    });
    const item = within(
      await screen.findByRole('group', {
        name: 'Pending promotion to payments-staging',
      }),
    );
    expect(
      item.getByText(
        'Promotion of 1.0.1 (r-bbbbbbbbbbbb) from payments-dev to payments-staging',
      ),
    ).toBeInTheDocument();
    expect(api.listApprovals).toHaveBeenCalledWith({
      component: undefined,
      environment: 'payments-staging',
      state: 'pending',
    });
    await waitFor(() =>
      expect(item.getByRole('button', { name: /^Approve/ })).toBeEnabled(),
    );
    await userEvent.click(item.getByRole('button', { name: /^Approve/ }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Approve',
      }),
    );
    expect(
      await screen.findByText(
        'Approved: the promotion of payments-worker to payments-staging runs as revision 4.',
      ),
    ).toBeInTheDocument();
    expect(api.approve).toHaveBeenCalledWith('apr-1', undefined);
    expect(
      screen.getByText('Nothing waits for approval in payments-staging.'),
    ).toBeInTheDocument();
  });

  it('shows a spinner while loading', async () => {
    // fake time: the wait for it counts simulated time, not a busy machine's
    jest.useFakeTimers();
    renderCard(a => a.listApprovals.mockReturnValue(new Promise(() => {})));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('says when nothing waits', async () => {
    renderCard(() => {});
    expect(
      await screen.findByText(
        'Nothing waits for approval in payments-staging.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    renderCard(a =>
      a.listApprovals.mockRejectedValue(new Error('approvals table missing')),
    );
    expect(
      await screen.findByText('Error: approvals table missing'),
    ).toBeInTheDocument();
  });

  it('says when the user may not see them (403)', async () => {
    const err = await httpError(403, 'stagecraft.deployment.read denied');
    renderCard(a => a.listApprovals.mockRejectedValue(err));
    expect(
      await screen.findByText('You may not see approvals'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('stagecraft.deployment.read denied'),
    ).toBeInTheDocument();
  });

  it("disables the decisions with the backend's reason", async () => {
    renderCard(a => {
      a.listApprovals.mockResolvedValue([approval()]);
      refuseActions(a, [
        {
          environment: 'payments-staging',
          actions: ['approve', 'reject'],
          code: 'not-approver',
          message:
            'Only members of group:default/payments may approve deploys to payments-staging',
        },
      ]);
    });
    await screen.findByRole('group', {
      name: 'Pending promotion to payments-staging',
    });
    const approve = screen.getByRole('button', { name: /^Approve promotion/ });
    await waitFor(() => expect(approve).toBeDisabled());
    expect(
      screen.getByRole('button', { name: /^Reject promotion/ }),
    ).toBeDisabled();
    expect(await tooltipOf(approve)).toMatch(/^Only members of group/);
  });

  it('says when the backend has no approvals endpoint', async () => {
    renderCard(a => a.listApprovals.mockResolvedValue(undefined));
    expect(
      await screen.findByText(/Approvals are not available/),
    ).toBeInTheDocument();
  });
});
