import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { DeployResult } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { ConfirmDialog, useBusy } from '../common/ConfirmDialog';

/** A day-2 operation on a running deployment. */
export type Operation =
  | { kind: 'restart'; environment: string }
  | {
      kind: 'scale';
      environment: string;
      replicas: number;
      /** The most replicas the quota allows (the backend's answer). */
      maxReplicas?: number;
    };

const componentName = (ref: string) => ref.replace(/^component:[^/]+\//, '');

function replicasHelp(
  whole: boolean,
  valid: boolean,
  current: number,
  max: number | undefined,
  environment: string,
) {
  if (!whole) return 'A whole number of replicas, 0 or more';
  if (!valid) {
    return `At most ${max}: the quota of ${environment} has room for no more`;
  }
  return `Now: ${current}${
    max !== undefined ? ` · at most ${max} (quota)` : ''
  }`;
}

/**
 * Restart (a rollout restart: same release, new pods) or scale (replicas
 * within the environment's quota), confirmed in a dialog.
 */
export function OperationDialog({
  componentRef,
  operation,
  onClose,
  onDone,
}: {
  componentRef: string;
  operation: Operation;
  onClose: () => void;
  onDone: (operation: Operation, result: DeployResult) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const current = operation.kind === 'scale' ? operation.replicas : 0;
  const [replicas, setReplicas] = useState(String(current));
  const { busy, error, run } = useBusy();
  const name = componentName(componentRef);
  const n = Number(replicas);
  const max = operation.kind === 'scale' ? operation.maxReplicas : undefined;
  const whole = replicas.trim() !== '' && Number.isInteger(n) && n >= 0;
  const valid = whole && (max === undefined || n <= max);

  const confirm = () =>
    run(async () => {
      const result =
        operation.kind === 'restart'
          ? await api.restart(componentRef, operation.environment)
          : await api.scale(componentRef, operation.environment, n);
      onDone(operation, result);
    });

  return (
    <ConfirmDialog
      title={
        operation.kind === 'restart'
          ? `Restart ${name} in ${operation.environment}`
          : `Scale ${name} in ${operation.environment}`
      }
      busy={busy}
      error={error}
      onClose={onClose}
      actions={[
        {
          label: operation.kind === 'restart' ? 'Restart' : 'Scale',
          onClick: confirm,
          disabled: operation.kind === 'scale' && (!valid || n === current),
        },
      ]}
    >
      {operation.kind === 'restart' ? (
        <Typography variant="body2">
          Replaces the pods of {name} one by one (a rollout restart). The
          release and its configuration stay as they are; it is recorded as a
          new revision.
        </Typography>
      ) : (
        <>
          <Typography variant="body2">
            Runs {name} with another number of replicas (0 stops it). The
            requests of every replica count against the quota of{' '}
            {operation.environment}.
          </Typography>
          <TextField
            label="Replicas"
            type="number"
            value={replicas}
            onChange={e => setReplicas(e.target.value)}
            error={!valid}
            helperText={replicasHelp(
              whole,
              valid,
              current,
              max,
              operation.environment,
            )}
            margin="normal"
            inputProps={{ min: 0, max, step: 1, 'aria-label': 'Replicas' }}
          />
        </>
      )}
    </ConfirmDialog>
  );
}
