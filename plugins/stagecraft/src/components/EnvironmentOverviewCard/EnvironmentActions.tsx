import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { Environment } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { messageOf } from '../common/format';

const EXTENSIONS = ['8h', '24h', '3d', '7d'];

function Denied({
  denied,
  title,
  children,
}: {
  denied: boolean;
  title: string;
  children: JSX.Element;
}) {
  return denied ? (
    <Tooltip title={title}>
      <span>{children}</span>
    </Tooltip>
  ) : (
    children
  );
}

/** Push the expiry out (POST /environments/:name/extend). */
export function ExtendButton({
  name,
  allowed,
  onExtended,
}: {
  name: string;
  allowed: boolean;
  onExtended: (env: Environment) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [ttl, setTtl] = useState('24h');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const extend = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onExtended(await api.extendEnvironment(name, ttl));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
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
        {EXTENSIONS.map(t => (
          <MenuItem key={t} value={t}>
            +{t}
          </MenuItem>
        ))}
      </TextField>
      <Denied denied={!allowed} title={`You may not change ${name}`}>
        <Button
          size="small"
          variant="outlined"
          onClick={extend}
          disabled={!allowed || busy}
        >
          Extend
        </Button>
      </Denied>
      {error && (
        <Typography color="error" variant="caption">
          {messageOf(error)}
        </Typography>
      )}
    </>
  );
}

/** Delete, with the name typed for production (the backend demands it too). */
export function DeleteEnvironmentButton({
  env,
  allowed,
  onDeleted,
}: {
  env: Environment;
  allowed: boolean;
  onDeleted?: () => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState(false);
  const production = env.tier === 'production';
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteEnvironment(env.name, production ? typed : undefined);
      setDone(true);
      setOpen(false);
      onDeleted?.();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
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
      <Denied denied={!allowed} title={`You may not delete ${env.name}`}>
        <Button
          color="secondary"
          variant="outlined"
          size="small"
          disabled={!allowed}
          onClick={() => setOpen(true)}
        >
          Delete environment
        </Button>
      </Denied>
      <Dialog open={open} onClose={() => !busy && setOpen(false)}>
        <DialogTitle>Delete {env.name}?</DialogTitle>
        <DialogContent>
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
          {error && <Alert severity="error">{messageOf(error)}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={remove}
            disabled={busy || (production && typed !== env.name)}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
