import userEvent from '@testing-library/user-event';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import type {
  LogLine,
  LogSourcePod,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  mockStagecraftApi,
  renderWithEntity,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { httpError } from '../../__testUtils__/http';
import { LogsDialog } from './LogsDialog';

const pods: LogSourcePod[] = ['payments-worker-a', 'payments-worker-b'].map(
  name => ({
    name,
    phase: 'Running',
    current: true,
    containers: [{ name: 'main', restartCount: 1, hasPrevious: true }],
  }),
);

const line = (pod: string, text: string, second = 0): LogLine => ({
  pod,
  container: 'main',
  time: `2026-12-01T12:00:${String(second).padStart(2, '0')}.000Z`,
  text,
});

function open(api = mockStagecraftApi()) {
  const onClose = jest.fn();
  renderWithEntity(
    <LogsDialog
      componentRef={WORKER}
      environment="payments-dev"
      onClose={onClose}
    />,
    { entity: workerEntity, api: api.api },
  );
  return { ...api, onClose };
}

const shownLines = () =>
  screen.queryAllByTestId('log-line').map(l => l.textContent);

describe('LogsDialog', () => {
  it('follows every pod by default: streamed lines appear with their pod name', async () => {
    const { api, emitLog } = open();
    await waitFor(() => expect(api.followLogs).toHaveBeenCalledTimes(1));
    expect(api.followLogs.mock.calls[0][1]).toEqual(
      expect.objectContaining({ environment: 'payments-dev', pod: undefined }),
    );
    act(() => {
      emitLog({ type: 'pods', pods });
      emitLog({ type: 'line', line: line('payments-worker-a', 'started', 1) });
      emitLog({
        type: 'line',
        line: line('payments-worker-b', 'listening', 2),
      });
    });
    await waitFor(() =>
      expect(shownLines()).toEqual([
        '12:00:01.000payments-worker-astarted',
        '12:00:02.000payments-worker-blistening',
      ]),
    );
    expect(screen.getByText('Live')).toBeInTheDocument();
    act(() =>
      emitLog({
        type: 'line',
        line: line('payments-worker-a', 'job 42 done', 3),
      }),
    );
    await waitFor(() => expect(shownLines()).toHaveLength(3));
    expect(shownLines()[2]).toContain('job 42 done');
  });

  it('shows the stream notices and its end', async () => {
    const { api, emitLog } = open();
    await waitFor(() => expect(api.followLogs).toHaveBeenCalled());
    act(() => {
      emitLog({ type: 'notice', message: 'payments-worker-b went away' });
      emitLog({ type: 'end', reason: 'the stream limit of 10 minutes' });
    });
    expect(
      await screen.findByText('payments-worker-b went away'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The stream ended: the stream limit of 10 minutes'),
    ).toBeInTheDocument();
    expect(screen.getByText('Stream ended')).toBeInTheDocument();
  });

  it('search filters the shown lines and highlights the matches', async () => {
    const { api, emitLog } = open();
    await waitFor(() => expect(api.followLogs).toHaveBeenCalled());
    act(() => {
      emitLog({
        type: 'line',
        line: line('payments-worker-a', 'GET /health 200'),
      });
      emitLog({
        type: 'line',
        line: line('payments-worker-a', 'payment failed: card declined'),
      });
      emitLog({
        type: 'line',
        line: line('payments-worker-b', 'GET /health 200'),
      });
    });
    await waitFor(() => expect(shownLines()).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Search shown lines'), {
      target: { value: 'FAILED' },
    });
    expect(shownLines()).toHaveLength(1);
    expect(shownLines()[0]).toContain('payment failed: card declined');
    const mark = within(screen.getByRole('log')).getByText('failed');
    expect(mark.tagName).toBe('MARK');
    expect(screen.getByText('1 of 3 lines match')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Search shown lines'), {
      target: { value: '' },
    });
    expect(shownLines()).toHaveLength(3);
  });

  it('follow off stops the stream and keeps the lines; on again follows anew', async () => {
    const { api, emitLog, stopLogs } = open();
    await waitFor(() => expect(api.followLogs).toHaveBeenCalledTimes(1));
    act(() =>
      emitLog({ type: 'line', line: line('payments-worker-a', 'one') }),
    );
    await waitFor(() => expect(shownLines()).toHaveLength(1));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    expect(stopLogs).toHaveBeenCalledTimes(1);
    expect(shownLines()).toHaveLength(1);
    expect(api.getLogs).not.toHaveBeenCalled();
    // nothing listens any more: a late line does not arrive
    act(() =>
      emitLog({ type: 'line', line: line('payments-worker-a', 'late') }),
    );
    expect(shownLines()).toHaveLength(1);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    await waitFor(() => expect(api.followLogs).toHaveBeenCalledTimes(2));
  });

  it('closing the view stops the stream', async () => {
    const api = mockStagecraftApi();
    const { unmount } = await renderWithEntity(
      <LogsDialog
        componentRef={WORKER}
        environment="payments-dev"
        onClose={() => {}}
      />,
      { entity: workerEntity, api: api.api },
    );
    await waitFor(() => expect(api.api.followLogs).toHaveBeenCalled());
    unmount();
    expect(api.stopLogs).toHaveBeenCalledTimes(1);
  });

  it('the previous container is read once (not followed), per pod and container', async () => {
    const { api, emitLog, stopLogs } = open(
      mockStagecraftApi({
        getLogs: jest.fn(async () => ({
          pods,
          lines: [line('payments-worker-a', 'panic: out of memory')],
        })),
      }),
    );
    await waitFor(() => expect(api.followLogs).toHaveBeenCalled());
    act(() => emitLog({ type: 'pods', pods }));
    await userEvent.click(screen.getByLabelText('Pod'));
    fireEvent.click(
      await screen.findByRole('option', { name: /payments-worker-a/ }),
    );
    await waitFor(() => expect(api.followLogs).toHaveBeenCalledTimes(2));
    expect(api.followLogs.mock.calls[1][1]).toEqual(
      expect.objectContaining({ pod: 'payments-worker-a' }),
    );
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Previous container' }),
    );
    await waitFor(() =>
      expect(api.getLogs).toHaveBeenCalledWith(
        WORKER,
        expect.objectContaining({
          environment: 'payments-dev',
          pod: 'payments-worker-a',
          previous: true,
        }),
      ),
    );
    expect(stopLogs).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('panic: out of memory')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Follow' })).toBeDisabled();
    // one pod: no pod name on the lines
    expect(shownLines()[0]).not.toContain('payments-worker-a');
  });

  it('download asks for the shown selection as a file', async () => {
    const createObjectURL = jest.fn(() => 'blob:logs');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    const { api } = open();
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(api.downloadLogs).toHaveBeenCalledWith(WORKER, {
      environment: 'payments-dev',
      pod: undefined,
      container: undefined,
      previous: undefined,
    });
    expect(createObjectURL).toHaveBeenCalledWith(expect.any(Blob));
    const anchor = click.mock.instances[0] as unknown as HTMLAnchorElement;
    expect(anchor.download).toBe('payments-worker-payments-dev.log');
    click.mockRestore();
  });

  it('403 says the user may not read logs there', async () => {
    const error = await httpError(403, 'stagecraft.logs.read is denied');
    const api = mockStagecraftApi();
    api.api.followLogs.mockImplementation((_r, _q, l) => {
      l.onError?.(error);
      return () => {};
    });
    open(api);
    expect(
      await screen.findByText('You may not read logs in payments-dev'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('stagecraft.logs.read is denied'),
    ).toBeInTheDocument();
  });

  it('503 says the cluster is unavailable, and Retry reads again', async () => {
    const error = await httpError(503, 'cluster local is unreachable');
    const api = mockStagecraftApi();
    api.api.followLogs.mockImplementationOnce((_r, _q, l) => {
      l.onError?.(error);
      return () => {};
    });
    open(api);
    expect(
      await screen.findByText('The cluster of payments-dev is unavailable'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.api.followLogs).toHaveBeenCalledTimes(2));
    expect(
      screen.queryByText('The cluster of payments-dev is unavailable'),
    ).not.toBeInTheDocument();
  });
});
