import { useState } from 'react';
import Button from '@material-ui/core/Button';
import { LogsDialog } from './LogsDialog';

/** Opens the logs of a component in an environment (the Logs view, full screen). */
export function LogsButton({
  componentRef,
  environment,
  label = 'Logs',
}: {
  componentRef: string;
  environment: string;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        aria-label={`Logs in ${environment}`}
        onClick={() => setOpen(true)}
      >
        {label}
      </Button>
      {open && (
        <LogsDialog
          componentRef={componentRef}
          environment={environment}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
