import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  deploymentOperatePermission,
  PauseResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';
import { ConfirmDialog, useBusy } from '../common/ConfirmDialog';

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
  const { busy, error, setError, run } = useBusy();
  const [result, setResult] = useState<{ op: Op; result: PauseResult }>();
  const confirm = () =>
    op &&
    run(async () => {
      const r =
        op === 'pause'
          ? await api.pauseEnvironment(name)
          : await api.resumeEnvironment(name);
      setResult({ op, result: r });
      setOp(undefined);
      onChanged?.(op, r);
    });
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
        <ConfirmDialog
          title={op === 'pause' ? `Pause ${name}?` : `Resume ${name}?`}
          busy={busy}
          error={error}
          onClose={close}
          actions={[
            { label: op === 'pause' ? 'Pause' : 'Resume', onClick: confirm },
          ]}
        >
          <Typography variant="body2">
            {op === 'pause'
              ? `Scales every component in ${name} to zero replicas and remembers how many each had; nothing is deleted and nothing counts against the quota meanwhile.`
              : `Gives every component in ${name} back the replicas it had when paused.`}
          </Typography>
        </ConfirmDialog>
      )}
    </>
  );
}
