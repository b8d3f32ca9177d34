import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import ListSubheader from '@material-ui/core/ListSubheader';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import {
  environmentDeletePermission,
  TeardownPlan,
  TeardownResult,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { DeniedTooltip, ErrorAlert } from '../common/ErrorAlert';
import { Busy } from '../common/Busy';

function PlanList({ plan }: { plan: TeardownPlan }) {
  return (
    <>
      <List dense aria-label="environments to delete">
        <ListSubheader disableSticky>
          Environments ({plan.environments.length})
        </ListSubheader>
        {plan.environments.map(e => (
          <ListItem key={e.name}>
            <ListItemText
              primary={e.name}
              secondary={`namespace ${e.namespace} · ${e.tier} — deleted with everything in it`}
            />
          </ListItem>
        ))}
      </List>
      {plan.deployments.length > 0 && (
        <List dense aria-label="deployments to remove">
          <ListSubheader disableSticky>
            Deployments in other environments ({plan.deployments.length})
          </ListSubheader>
          {plan.deployments.map(d => (
            <ListItem key={`${d.component}@${d.environment}`}>
              <ListItemText
                primary={d.component}
                secondary={`removed from ${d.environment}`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}

function TeardownDialog({
  taskId,
  confirmName,
  onClose,
  onDone,
}: {
  taskId: string;
  confirmName: string;
  onClose: () => void;
  onDone: (result: TeardownResult) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const plan = useAsync(() => api.getTeardownPlan(taskId), [api, taskId]);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const empty =
    !!plan.value &&
    !plan.value.environments.length &&
    !plan.value.deployments.length;
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api.teardown(taskId));
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Tear down what template run {taskId} created</DialogTitle>
      <DialogContent>
        {plan.loading && <Busy label="Loading the teardown plan" />}
        {plan.error && <ErrorAlert error={plan.error} />}
        {empty && (
          <Alert severity="info">Nothing of this run is left to remove.</Alert>
        )}
        {plan.value && !empty && (
          <>
            <Typography variant="body2">
              This removes, and cannot be undone:
            </Typography>
            <PlanList plan={plan.value} />
            <TextField
              label={`Type ${confirmName} to confirm`}
              value={typed}
              onChange={e => setTyped(e.target.value)}
              fullWidth
              margin="normal"
              inputProps={{ 'aria-label': 'Confirm teardown' }}
            />
          </>
        )}
        {busy && <Busy label="Tearing down" />}
        {error && <ErrorAlert error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={go}
          disabled={busy || !plan.value || empty || typed !== confirmName}
        >
          Tear down
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * For an environment a template run created: remove everything that run
 * created (environments, deployments, resources), after showing the plan
 * and a typed confirmation.
 */
export function TeardownButton({
  name,
  taskId,
}: {
  /** The environment whose page this is (typed to confirm). */
  name: string;
  taskId: string;
}) {
  const canDelete = usePermission({
    permission: environmentDeletePermission,
    resourceRef: name,
  });
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<TeardownResult>();
  if (done) {
    return (
      <Alert severity="info" role="status">
        Torn down:{' '}
        {done.environments.map(e => e.name).join(', ') || 'no environments'}
        {done.deployments.length
          ? `; deployments removed: ${done.deployments
              .map(d => `${d.component} from ${d.environment}`)
              .join(', ')}`
          : ''}
        .
      </Alert>
    );
  }
  return (
    <>
      <DeniedTooltip
        denied={!canDelete.loading && !canDelete.allowed}
        title={`You may not delete ${name}`}
      >
        <Button
          size="small"
          color="secondary"
          variant="outlined"
          disabled={!canDelete.allowed}
          onClick={() => setOpen(true)}
        >
          Tear down template run
        </Button>
      </DeniedTooltip>
      {open && (
        <TeardownDialog
          taskId={taskId}
          confirmName={name}
          onClose={() => setOpen(false)}
          onDone={result => {
            setOpen(false);
            setDone(result);
          }}
        />
      )}
    </>
  );
}
