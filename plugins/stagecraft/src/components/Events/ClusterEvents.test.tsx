import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import type { ClusterEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  environmentEntities,
  mockStagecraftApi,
  renderWithEntity,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { EnvironmentEventsCard } from './EnvironmentEventsCard';
import { ComponentEventsCard } from './ComponentEventsCard';

const staging = environmentEntities[2];

const event = (extra: Partial<ClusterEvent>): ClusterEvent => ({
  type: 'Normal',
  reason: 'Scheduled',
  message: 'Successfully assigned payments-staging/payments-worker-a to node-1',
  object: { kind: 'Pod', name: 'payments-worker-a' },
  count: 1,
  firstTime: new Date(Date.now() - 60_000).toISOString(),
  lastTime: new Date(Date.now() - 60_000).toISOString(),
  ...extra,
});

const quota = event({
  type: 'Warning',
  reason: 'FailedCreate',
  message:
    'Error creating: pods "payments-worker-b" is forbidden: exceeded quota: payments-staging, requested: pods=1',
  object: { kind: 'ReplicaSet', name: 'payments-worker-7d9f' },
  count: 7,
  lastTime: new Date(Date.now() - 5_000).toISOString(),
});

describe('EnvironmentEventsCard', () => {
  it('shows the events newest first with their dedup count, Warnings highlighted, and live updates', async () => {
    const { api, emitClusterEvents } = mockStagecraftApi({
      getClusterEvents: jest.fn(async () => ({ items: [quota, event({})] })),
    });
    renderWithEntity(<EnvironmentEventsCard />, { entity: staging, api });
    const table = await screen.findByRole('table', { name: 'cluster events' });
    const rows = within(table).getAllByTestId('cluster-event');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveAttribute('data-type', 'Warning');
    expect(within(rows[0]).getByText('Warning')).toBeInTheDocument();
    expect(within(rows[0]).getByText('FailedCreate')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('ReplicaSet/payments-worker-7d9f'),
    ).toBeInTheDocument();
    expect(within(rows[0]).getByText(/exceeded quota/)).toBeInTheDocument();
    expect(within(rows[0]).getByText('×7')).toBeInTheDocument();
    expect(rows[0].className).not.toBe(rows[1].className);
    expect(within(rows[1]).getByText('Normal')).toBeInTheDocument();
    expect(api.getClusterEvents).toHaveBeenCalledWith({
      environment: 'payments-staging',
      component: undefined,
    });
    await waitFor(() => expect(api.watchClusterEvents).toHaveBeenCalled());
    expect(screen.getByText('Live events')).toBeInTheDocument();

    // the watch sends the whole list again: the repeat is one row, counted
    act(() =>
      emitClusterEvents('payments-staging', {
        items: [{ ...quota, count: 8 }, event({})],
      }),
    );
    expect(await within(table).findByText('×8')).toBeInTheDocument();
    expect(within(table).getAllByTestId('cluster-event')).toHaveLength(2);
  });

  it('shows the newest 25 until asked for all', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      event({ reason: `Reason${i}`, object: { kind: 'Pod', name: `p-${i}` } }),
    );
    const { api } = mockStagecraftApi({
      getClusterEvents: jest.fn(async () => ({ items: many })),
    });
    renderWithEntity(<EnvironmentEventsCard />, { entity: staging, api });
    await screen.findByRole('table', { name: 'cluster events' });
    expect(screen.getAllByTestId('cluster-event')).toHaveLength(25);
    expect(screen.queryByText('Reason29')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show all 30 events' }));
    expect(screen.getAllByTestId('cluster-event')).toHaveLength(30);
  });

  it('says so when there are no events', async () => {
    const { api } = mockStagecraftApi();
    renderWithEntity(<EnvironmentEventsCard />, { entity: staging, api });
    expect(
      await screen.findByText(/No Kubernetes events in payments-staging/),
    ).toBeInTheDocument();
  });

  it('403: the user may not read the events', async () => {
    const error = await httpError(403, 'stagecraft.events.read is denied');
    const { api } = mockStagecraftApi({
      getClusterEvents: jest.fn(async () => {
        throw error;
      }),
    });
    renderWithEntity(<EnvironmentEventsCard />, { entity: staging, api });
    expect(
      await screen.findByText(
        'You may not read the events of payments-staging',
      ),
    ).toBeInTheDocument();
    expect(api.watchClusterEvents).not.toHaveBeenCalled();
  });

  it('the card of a component asks for that component only', async () => {
    const { api } = mockStagecraftApi();
    renderWithEntity(
      <ComponentEventsCard
        componentRef={WORKER}
        environments={['payments-dev', 'payments-staging']}
        environment="payments-staging"
        onEnvironment={() => {}}
      />,
      { entity: workerEntity, api },
    );
    await waitFor(() =>
      expect(api.getClusterEvents).toHaveBeenCalledWith({
        environment: 'payments-staging',
        component: WORKER,
      }),
    );
    expect(screen.getByText('Events in payments-staging')).toBeInTheDocument();
  });
});
