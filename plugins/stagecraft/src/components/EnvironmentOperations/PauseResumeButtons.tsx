import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  deploymentOperatePermission,
  PauseResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { ErrorAlert } from '../common/ErrorAlert';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';
import { Busy } from '../common/Busy';

type Op = 'pause' | 'resume';

const short = (ref: string) => ref.replace(/^component:default\//, '');

function summary(op: Op, r: PauseResult) {
  if (!r.components.length) {
    return `Nothing runs in ${r.environment}: nothing to ${op}.`;
  }
  const list = r.components
    .map(c =>
      op === 'pause'
        ? `${short(c.component)} (had ${c.replicas})`
        : `${short(c.component)} (${c.replicas})`,
    )
    .join(', ');
  return op === 'pause'
    ? `Paused ${r.environment}: ${list} scaled to zero; Resume gives the replicas back.`
    : `Resumed ${r.environment}: ${list} replicas back.`;
}

/**
 * Pause (every component scaled to zero, replicas remembered) and resume a
 * preview or development environment. Each is enabled only when the backend
 * says it makes sense now (Pause while something runs, Resume while paused),
 * with its reason as the tooltip otherwise; `onChanged` after either.
 */
export function PauseResumeButtons({
  name,
  pause,
  resume,
  onChanged,
}: {
  name: string;
  pause: ActionAnswer;
  resume: ActionAnswer;
  onChanged?: (op: Op, result: PauseResult) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const answers = { pause, resume };
  const [op, setOp] = useState<Op>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<{ op: Op; result: PauseResult }>();
  const run = async () => {
    if (!op) return;
    setBusy(true);
    setError(undefined);
    try {
      const r =
        op === 'pause'
          ? await api.pauseEnvironment(name)
          : await api.resumeEnvironment(name);
      setResult({ op, result: r });
      setOp(undefined);
      onChanged?.(op, r);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setOp(undefined);
    setError(undefined);
  };
  return (
    <>
      {(['pause', 'resume'] as const).map(o => (
        <PermissionButton
          key={o}
          state={answers[o]}
          access={{
            permission: deploymentOperatePermission,
            resourceRef: name,
          }}
          deniedTitle={`You may not pause or resume ${name}`}
          label={o === 'pause' ? 'Pause' : 'Resume'}
          variant="outlined"
          onClick={() => setOp(o)}
        >
          {o === 'pause' ? 'Pause' : 'Resume'}
        </PermissionButton>
      ))}
      {result && (
        <Alert
          severity="success"
          role="status"
          onClose={() => setResult(undefined)}
          style={{ flexBasis: '100%' }}
        >
          {summary(result.op, result.result)}
        </Alert>
      )}
      {op && (
        <Dialog open onClose={busy ? undefined : close}>
          <DialogTitle>
            {op === 'pause' ? `Pause ${name}?` : `Resume ${name}?`}
          </DialogTitle>
          <DialogContent>
            <Typography variant="body2">
              {op === 'pause'
                ? `Scales every component in ${name} to zero replicas and remembers how many each had; nothing is deleted and nothing counts against the quota meanwhile.`
                : `Gives every component in ${name} back the replicas it had when paused.`}
            </Typography>
            {busy && <Busy label="Working" />}
            {error && <ErrorAlert error={error} />}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button
              color="primary"
              variant="contained"
              onClick={run}
              disabled={busy}
            >
              {op === 'pause' ? 'Pause' : 'Resume'}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
