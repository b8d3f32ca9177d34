import { ReactNode, useCallback, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { Busy } from './Busy';
import { ErrorAlert } from './ErrorAlert';

/** A button of a dialog's action row besides Cancel. */
export interface DialogAction {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  /** `contained` for the dialog's main action (default), `outlined` for a preview. */
  variant?: 'contained' | 'outlined';
  color?: 'primary' | 'secondary';
  /** Not shown (e.g. Preview once previewed). */
  hidden?: boolean;
}

/**
 * The two actions of a dialog that shows the backend's dry run before the
 * change: Preview (outlined; gone once `previewed`, absent with
 * `autoPreview`) and the confirm action, enabled only once previewed.
 */
export function previewThenConfirm(options: {
  previewed: boolean;
  onPreview: () => void;
  previewLabel?: string;
  /** False while the input is incomplete (Preview disabled). */
  canPreview?: boolean;
  /** The dialog previews by itself: no Preview button. */
  autoPreview?: boolean;
  confirmLabel: string;
  onConfirm: () => void;
}): DialogAction[] {
  return [
    {
      label: options.previewLabel ?? 'Preview changes',
      variant: 'outlined',
      hidden: options.previewed || options.autoPreview,
      disabled: options.canPreview === false,
      onClick: options.onPreview,
    },
    {
      label: options.confirmLabel,
      disabled: !options.previewed,
      onClick: options.onConfirm,
    },
  ];
}

/**
 * Every Stagecraft dialog: a title, its content, a progress bar saying what
 * is under way while `busy`, the error of the last attempt, Cancel (or
 * `closeLabel`) and the dialog's actions. It cannot be closed while busy.
 * Once `done` (what it asked for was requested) it offers only Close.
 */
export function ConfirmDialog({
  title,
  children,
  busy = false,
  busyLabel = 'Working',
  error,
  onClose,
  done = false,
  closeLabel = done ? 'Close' : 'Cancel',
  actions,
  maxWidth = 'sm',
}: {
  title: ReactNode;
  children?: ReactNode;
  busy?: boolean;
  busyLabel?: string;
  error?: Error;
  onClose: () => void;
  done?: boolean;
  closeLabel?: string;
  actions: DialogAction[];
  maxWidth?: 'xs' | 'sm' | 'md';
}) {
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      maxWidth={maxWidth}
      fullWidth
    >
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        {children}
        {busy && <Busy label={busyLabel} />}
        {error && <ErrorAlert error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {closeLabel}
        </Button>
        {actions
          .filter(a => !done && !a.hidden)
          .map(a => (
            <Button
              key={a.label}
              color={a.color ?? 'primary'}
              variant={a.variant ?? 'contained'}
              onClick={a.onClick}
              disabled={busy || a.disabled}
            >
              {a.label}
            </Button>
          ))}
      </DialogActions>
    </Dialog>
  );
}

/**
 * The busy flag and last error of a dialog's requests: `run(work)` clears
 * the error, is busy while `work` runs, keeps its error and resolves to its
 * result (undefined when it failed). With `stayBusy` a dialog that closes
 * when `work` succeeds stays busy until it is gone.
 */
export function useBusy() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const run = useCallback(
    async <T,>(
      work: () => Promise<T>,
      options?: { stayBusy?: boolean },
    ): Promise<T | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        const result = await work();
        if (!options?.stayBusy) setBusy(false);
        return result;
      } catch (e) {
        setError(e as Error);
        setBusy(false);
        return undefined;
      }
    },
    [],
  );
  return { busy, error, setError, run };
}
