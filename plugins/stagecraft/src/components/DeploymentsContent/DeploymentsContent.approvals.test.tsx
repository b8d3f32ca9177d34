import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  approval,
  componentActions,
  deployment,
  refuseActions,
  renderWithEntity,
  revision,
  tooltipOf,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { DeploymentsContent } from './DeploymentsContent';
import { liveApi, result, rowOf } from '../../__testUtils__/liveDeployments';

describe('DeploymentsContent: approvals', () => {
  it('shows a pending promotion on the staging row; the approver approves it and the row follows the rollout live', async () => {
    const { api, emit } = liveApi();
    api.listApprovals.mockResolvedValue([approval()]);
    api.approve.mockResolvedValue(
      approval({
        state: 'executed',
        revision: 2,
        approvals: [{ by: 'user:default/guest', at: new Date().toISOString() }],
      }),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });

    const pending = within(
      await screen.findByTestId('approvals-payments-staging'),
    );
    expect(
      pending.getByText(
        'Promotion of 1.0.1 (r-bbbbbbbbbbbb) from payments-dev to payments-staging',
      ),
    ).toBeInTheDocument();
    expect(
      pending.getByText(
        /Waiting for 1 of 1 approval from group:default\/payments — requested by/,
      ),
    ).toBeInTheDocument();
    expect(pending.getByText(/^Waiting for 1 of 1/)).toHaveTextContent(
      /requested by service:external:stagecraft-ci 10 min ago$/,
    );
    expect(screen.getByText('1 waiting for approval')).toBeInTheDocument();
    expect(api.listApprovals).toHaveBeenCalledWith({
      component: WORKER,
      environment: undefined,
      state: 'pending',
    });

    const approve = pending.getByRole('button', {
      name: 'Approve promotion to payments-staging',
    });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Approve the promotion to payments-staging?'),
    ).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText('Comment'), 'ship it');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.approve).toHaveBeenCalledWith('apr-1', 'ship it');
    expect(
      screen.getByText(
        'Approved: the promotion of payments-worker to payments-staging runs as revision 2.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Waiting for 1 of 1/)).not.toBeInTheDocument();
    const staging = within(rowOf('payments-staging'));
    expect(
      staging.getByText('Promotion of r-bbbbbbbbbbbb started…'),
    ).toBeInTheDocument();

    // the rollout arrives on the event stream
    const staging2 = revision(
      'payments-staging',
      2,
      'ghcr.io/example/payments-worker:1.0.1',
      { action: 'promote', from: 'payments-dev', releaseId: 'r-bbbbbbbbbbbb' },
    );
    act(() =>
      emit(
        deployment('payments-staging', 'staging', staging2, {
          phase: 'progressing',
          replicas: { desired: 1, updated: 0, ready: 0, available: 0 },
        }),
      ),
    );
    expect(staging.getByText('1.0.1')).toBeInTheDocument();
    expect(
      staging.getByText('Promotion of r-bbbbbbbbbbbb in progress…'),
    ).toBeInTheDocument();
    act(() => emit(deployment('payments-staging', 'staging', staging2)));
    expect(
      staging.getByText('Promotion of r-bbbbbbbbbbbb complete'),
    ).toBeInTheDocument();
    expect(staging.getByText('Healthy')).toBeInTheDocument();
  });

  it('records an approval that still needs more', async () => {
    const { api } = liveApi();
    api.listApprovals.mockResolvedValue([approval({ required: 2 })]);
    api.approve.mockResolvedValue(
      approval({
        required: 2,
        approvals: [{ by: 'user:default/guest', at: new Date().toISOString() }],
      }),
    );
    // asked again once the request has an approval: the guest approved already
    api.getComponentActions.mockImplementation(async (component, environment) =>
      componentActions(
        environment,
        { component },
        api.approve.mock.calls.length
          ? {
              approve: {
                code: 'forbidden',
                message: 'You approved it already',
              },
            }
          : {},
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const pending = within(
      await screen.findByTestId('approvals-payments-staging'),
    );
    expect(
      pending.getByText(/Waiting for 2 of 2 approvals/),
    ).toBeInTheDocument();
    const approve = pending.getByRole('button', { name: /^Approve/ });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Approve',
      }),
    );
    expect(
      await screen.findByText(
        'Your approval is recorded. Waiting for 1 of 2 approvals from group:default/payments.',
      ),
    ).toBeInTheDocument();
    // still pending; the guest approved already
    expect(screen.getByText(/^Approved by guest/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Approve promotion to payments-staging',
      }),
    ).toBeDisabled();
  });

  it('rejects with a comment', async () => {
    const { api } = liveApi();
    api.listApprovals.mockResolvedValue([approval()]);
    api.reject.mockResolvedValue(
      approval({
        state: 'rejected',
        rejection: { by: 'user:default/guest', at: new Date().toISOString() },
      }),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const reject = await screen.findByRole('button', {
      name: 'Reject promotion to payments-staging',
    });
    await waitFor(() => expect(reject).toBeEnabled());
    await userEvent.click(reject);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText('Comment'),
      'not on a Friday',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reject' }),
    );
    expect(
      await screen.findByText(
        'Rejected: the promotion of payments-worker to payments-staging will not run.',
      ),
    ).toBeInTheDocument();
    expect(api.reject).toHaveBeenCalledWith('apr-1', 'not on a Friday');
    expect(api.approve).not.toHaveBeenCalled();
  });

  it('lets the requester withdraw their own request; Reject says why not', async () => {
    const { api } = liveApi();
    const mine = approval({ requestedBy: 'user:default/guest' });
    api.listApprovals.mockResolvedValue([mine]);
    api.getComponentActions.mockImplementation(async (component, environment) =>
      componentActions(
        environment,
        { component },
        {
          approve: {
            code: 'own-request',
            message:
              'You requested it: another member of group:default/payments must approve',
          },
          reject: {
            code: 'own-request',
            message: 'You requested it: withdraw it instead',
          },
        },
      ),
    );
    api.withdraw.mockResolvedValue({ ...mine, state: 'withdrawn' });
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const reject = await screen.findByRole('button', {
      name: 'Reject promotion to payments-staging',
    });
    await waitFor(() => expect(reject).toBeDisabled());
    expect(
      screen.getByRole('button', {
        name: 'Approve promotion to payments-staging',
      }),
    ).toBeDisabled();
    expect(await tooltipOf(reject)).toBe(
      'You requested it: withdraw it instead',
    );
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Withdraw promotion to payments-staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw' }),
    );
    expect(api.withdraw).toHaveBeenCalledWith('apr-1', undefined);
    expect(
      await screen.findByText(/^Withdrawn: the promotion/),
    ).toBeInTheDocument();
  });

  it('offers no Withdraw to someone who did not request it', async () => {
    const { api } = liveApi();
    api.listApprovals.mockResolvedValue([approval()]);
    refuseActions(api, [
      {
        environment: 'payments-staging',
        actions: ['withdraw'],
        code: 'not-requester',
        message: 'Only its requester may withdraw it',
      },
    ]);
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const approve = await screen.findByRole('button', {
      name: 'Approve promotion to payments-staging',
    });
    await waitFor(() => expect(approve).toBeEnabled());
    expect(screen.queryByRole('button', { name: /^Withdraw/ })).toBeNull();
  });

  it("disables Approve and Reject with the backend's reason", async () => {
    const { api } = liveApi();
    api.listApprovals.mockResolvedValue([approval()]);
    refuseActions(api, [
      {
        environment: 'payments-staging',
        actions: ['approve', 'reject'],
        code: 'not-approver',
        message:
          'Only members of group:default/payments may approve deploys to payments-staging',
      },
    ]);
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('approvals-payments-staging');
    const approve = screen.getByRole('button', {
      name: 'Approve promotion to payments-staging',
    });
    await waitFor(() => expect(approve).toBeDisabled());
    expect(
      screen.getByRole('button', {
        name: 'Reject promotion to payments-staging',
      }),
    ).toBeDisabled();
    expect(await tooltipOf(approve)).toBe(
      'Only members of group:default/payments may approve deploys to payments-staging',
    );
  });

  it('shows the 403 of an approver outside the group in the dialog', async () => {
    const { api } = liveApi();
    api.listApprovals.mockResolvedValue([approval()]);
    api.approve.mockRejectedValue(
      await httpError(
        403,
        'user:default/guest is not in group:default/payments',
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    const approve = await screen.findByRole('button', {
      name: 'Approve promotion to payments-staging',
    });
    await waitFor(() => expect(approve).toBeEnabled());
    await userEvent.click(approve);
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(await within(dialog).findByText('Not allowed')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/is not in group:default\/payments/),
    ).toBeInTheDocument();
  });

  it('shows a request that arrives on the event stream', async () => {
    const { api, emitApproval } = liveApi();
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await screen.findByTestId('env-payments-staging');
    expect(screen.queryByTestId('approvals-payments-staging')).toBeNull();
    act(() => emitApproval(approval()));
    expect(
      within(screen.getByTestId('approvals-payments-staging')).getByText(
        /Waiting for 1 of 1 approval/,
      ),
    ).toBeInTheDocument();
  });

  it('keeps the matrix when the approvals cannot be read', async () => {
    const { api } = liveApi();
    api.listApprovals.mockRejectedValue(new Error('approvals: 500'));
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    expect(
      await screen.findByText('Pending approvals unknown'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-dev')).getByText('1.0.0'),
    ).toBeInTheDocument();
  });

  it('says "Approval requested" when a promotion needs approval (202)', async () => {
    const { api } = liveApi();
    api.promote.mockImplementation(async (_ref, req) =>
      req.dryRun
        ? {
            ...result(
              'payments-staging',
              2,
              'ghcr.io/example/payments-worker:1.0.0',
              'promote',
            ),
            dryRun: true,
            revision: undefined,
          }
        : {
            ...result(
              'payments-staging',
              2,
              'ghcr.io/example/payments-worker:1.0.0',
              'promote',
            ),
            revision: undefined,
            pending: approval({ requestedBy: 'user:default/guest' }),
          },
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Promote payments-dev to payments-staging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText(/Dry run: release/);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    expect(
      await within(dialog).findByText('Approval requested'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        /Waiting for 1 of 1 approval from group:default\/payments/,
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Promote' }),
    ).toBeNull();
    // no rollout to follow, but the request is on the row
    expect(
      within(rowOf('payments-staging')).queryByText(/started…/),
    ).not.toBeInTheDocument();
    expect(
      screen.getByTestId('approvals-payments-staging'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows when the next deployment window opens (409)', async () => {
    const { api } = liveApi();
    api.deploy.mockRejectedValue(
      await httpError(
        409,
        'payments-prod accepts deploys only inside its windows; next allowed at 2030-03-04T09:00:00.000Z',
      ),
    );
    renderWithEntity(<DeploymentsContent />, { entity: workerEntity, api });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Deploy to payments-dev' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Preview changes' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      await within(dialog).findByText('Outside the deployment window'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/next allowed at 2030-03-04T09:00:00.000Z/),
    ).toBeInTheDocument();
    // the relative part is a ticking <time> inside the sentence
    expect(
      within(dialog).getByText(
        (_, el) =>
          el?.tagName === 'DIV' &&
          !!el.textContent?.startsWith(
            `Next allowed at ${new Date(
              '2030-03-04T09:00:00.000Z',
            ).toLocaleString()} (in `,
          ),
      ),
    ).toBeInTheDocument();
  });
});
