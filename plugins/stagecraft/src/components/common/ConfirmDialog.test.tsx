import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfirmDialog, useBusy } from './ConfirmDialog';

function Harness({ work }: { work: () => Promise<string> }) {
  const { busy, error, run } = useBusy();
  const onClose = jest.fn();
  return (
    <ConfirmDialog
      title="Do it?"
      busy={busy}
      busyLabel="Doing it"
      error={error}
      onClose={onClose}
      actions={[
        {
          label: 'Preview',
          variant: 'outlined',
          hidden: true,
          onClick: () => {},
        },
        { label: 'Do it', onClick: () => run(work) },
      ]}
    >
      content
    </ConfirmDialog>
  );
}

describe('ConfirmDialog', () => {
  it('is busy while the work runs (nothing clickable), then shows its error', async () => {
    let fail: (e: Error) => void = () => {};
    const work = () => new Promise<string>((_, reject) => (fail = reject));
    render(<Harness work={work} />);
    expect(screen.queryByRole('button', { name: 'Preview' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Do it' }));
    expect(screen.getByRole('progressbar', { name: 'Doing it' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Do it' })).toBeDisabled();
    fail(new Error('quota of payments-dev exceeded'));
    await waitFor(() =>
      expect(screen.getByText(/quota of payments-dev exceeded/)).toBeVisible(),
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('button', { name: 'Do it' })).toBeEnabled();
  });
});
