import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  Environment,
  environmentDeletePermission,
  environmentUpdatePermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { messageOf } from '../common/format';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';
import { parseTtl } from '../common/ttl';
import { PROBLEM_TEXT } from '../common/TierChip';
import { ConfirmDialog, useBusy } from '../common/ConfirmDialog';

const EXTENSIONS = ['8h', '24h', '3d', '7d'];

/**
 * Push the expiry out (POST /environments/:name/extend), never beyond the
 * type's maxTtl: `maxTtl` is the longest extension the backend accepts now,
 * and the choices stop there (the limit is named).
 */
export function ExtendButton({
  name,
  state,
  maxTtl,
  onExtended,
}: {
  name: string;
  state: ActionAnswer;
  maxTtl?: string;
  onExtended: (env: Environment) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const limit = parseTtl(maxTtl);
  const choices = EXTENSIONS.filter(
    t => limit === undefined || (parseTtl(t) ?? 0) <= limit,
  );
  const [ttl, setTtl] = useState(
    choices.includes('24h') ? '24h' : choices[choices.length - 1] ?? '',
  );
  const allowed =
    !!choices.length &&
    typeof state === 'object' &&
    (state instanceof Error || state.allowed === true);
  const answer: ActionAnswer =
    choices.length || typeof state !== 'object' || state instanceof Error
      ? state
      : {
          allowed: false,
          reason: {
            code: 'quota',
            message: `${name} already lives as long as its type allows (maxTtl): it cannot be extended now`,
          },
        };
  const { busy, error, run } = useBusy();
  const extend = () =>
    run(async () => onExtended(await api.extendEnvironment(name, ttl)));
  return (
    <>
      <TextField
        select
        size="small"
        value={ttl}
        onChange={e => setTtl(e.target.value)}
        disabled={!allowed || busy}
        style={{ minWidth: 96 }}
        SelectProps={{ inputProps: { 'aria-label': 'Extend by' } }}
      >
        {choices.map(t => (
          <MenuItem key={t} value={t}>
            +{t}
          </MenuItem>
        ))}
      </TextField>
      <PermissionButton
        state={answer}
        access={{ permission: environmentUpdatePermission, resourceRef: name }}
        deniedTitle={`You may not change ${name}`}
        label="Extend"
        busy={busy || !ttl}
        variant="outlined"
        onClick={extend}
      >
        Extend
      </PermissionButton>
      {maxTtl && (
        <Typography variant="caption" color="textSecondary">
          at most {maxTtl} more (the type's maxTtl)
        </Typography>
      )}
      {error && (
        <Typography style={PROBLEM_TEXT} variant="caption">
          {messageOf(error)}
        </Typography>
      )}
    </>
  );
}

/** Delete, with the name typed for production (the backend demands it too). */
export function DeleteEnvironmentButton({
  env,
  state,
  onDeleted,
}: {
  env: Environment;
  state: ActionAnswer;
  onDeleted?: () => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const { busy, error, setError, run } = useBusy();
  const [done, setDone] = useState(false);
  const production = env.tier === 'production';
  const remove = () =>
    run(async () => {
      await api.deleteEnvironment(env.name, production ? typed : undefined);
      setDone(true);
      setOpen(false);
      onDeleted?.();
    });
  if (done) {
    return (
      <Alert severity="info">
        Deleting {env.name}: its namespace {env.namespace} is being removed from{' '}
        {env.cluster}.
      </Alert>
    );
  }
  return (
    <>
      <PermissionButton
        state={state}
        access={{
          permission: environmentDeletePermission,
          resourceRef: env.name,
        }}
        deniedTitle={`You may not delete ${env.name}`}
        label="Delete environment"
        color="secondary"
        variant="outlined"
        onClick={() => setOpen(true)}
      >
        Delete environment
      </PermissionButton>
      {open && (
        <ConfirmDialog
          title={`Delete ${env.name}?`}
          busy={busy}
          busyLabel="Deleting"
          error={error}
          onClose={() => {
            setOpen(false);
            setError(undefined);
          }}
          actions={[
            {
              label: 'Delete',
              color: 'secondary',
              onClick: remove,
              disabled: production && typed !== env.name,
            },
          ]}
        >
          <Typography variant="body2" gutterBottom>
            This deletes the namespace {env.namespace} on {env.cluster} with
            every workload running in it. It cannot be undone.
          </Typography>
          {production && (
            <TextField
              label={`Type ${env.name} to confirm`}
              value={typed}
              onChange={e => setTyped(e.target.value)}
              fullWidth
              margin="normal"
              inputProps={{ 'aria-label': 'Confirm name' }}
            />
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
