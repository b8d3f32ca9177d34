import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import {
  environmentDeletePermission,
  TeardownPlan,
  TeardownResult,
  TeardownStep,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { ErrorAlert } from '../common/ErrorAlert';
import { Busy } from '../common/Busy';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';
import { ConfirmDialog, useBusy } from '../common/ConfirmDialog';

type StepState = TeardownStep['status'] | 'running';

const STATE_TEXT: Record<NonNullable<StepState>, string> = {
  pending: 'to do',
  running: 'running…',
  done: 'done',
  skipped: 'already gone',
  failed: 'failed',
};

/**
 * The steps of a plan, in the order they run (the reverse of creation). A
 * plan from an older backend has no steps: they are made from its lists.
 */
export function stepsOf(plan: TeardownPlan): TeardownStep[] {
  if (plan.steps?.length) return plan.steps;
  return [
    ...plan.deployments.map(d => ({
      id: `deployment:${d.component}@${d.environment}`,
      kind: 'deployment' as const,
      target: `${d.component}@${d.environment}`,
      description: `Remove ${d.component} from ${d.environment}`,
    })),
    ...plan.environments.map(e => ({
      id: `environment:${e.name}`,
      kind: 'environment' as const,
      target: e.name,
      description: `Delete environment ${e.name} (namespace ${e.namespace}, ${e.tier}) with everything in it`,
    })),
    ...(plan.catalog ?? []).map(c => ({
      id: `catalog:${c.entityRef}`,
      kind: 'catalog' as const,
      target: c.entityRef,
      description: `Unregister ${c.entityRef} from the catalog`,
    })),
  ];
}

function StepList({
  steps,
  states,
}: {
  steps: TeardownStep[];
  states: Record<string, StepState>;
}) {
  return (
    <List dense aria-label="teardown steps">
      {steps.map((s, i) => {
        const state = states[s.id] ?? s.status ?? 'pending';
        return (
          <ListItem key={s.id} data-testid={`teardown-step-${i + 1}`}>
            <ListItemText
              primary={`${i + 1}. ${s.description}`}
              secondary={`${STATE_TEXT[state]}${
                s.message ? ` — ${s.message}` : ''
              }`}
            />
          </ListItem>
        );
      })}
    </List>
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
  const { busy, error, run } = useBusy();
  const [states, setStates] = useState<Record<string, StepState>>({});
  const steps = plan.value ? stepsOf(plan.value) : [];
  const empty = !!plan.value && !steps.length;
  const stepwise = !!plan.value?.steps?.length;
  const go = () =>
    run(
      async () => {
        if (!stepwise) {
          onDone(await api.teardown(taskId));
          return;
        }
        // one step at a time, so the dialog shows each as it runs
        let last: TeardownResult | undefined;
        try {
          for (const step of steps) {
            setStates(p => ({ ...p, [step.id]: 'running' }));
            last = await api.teardown(taskId, step.id);
            const outcome = last.steps?.find(s => s.id === step.id);
            setStates(p => ({ ...p, [step.id]: outcome?.status ?? 'done' }));
          }
        } catch (e) {
          setStates(p =>
            Object.fromEntries(
              Object.entries(p).map(([k, v]) => [
                k,
                v === 'running' ? 'failed' : v,
              ]),
            ),
          );
          throw e;
        }
        onDone({ ...plan.value!, ...last, removed: true });
      },
      { stayBusy: true },
    );
  return (
    <ConfirmDialog
      title={`Tear down what template run ${taskId} created`}
      busy={busy}
      busyLabel="Tearing down"
      error={error}
      onClose={onClose}
      actions={[
        {
          label: 'Tear down',
          color: 'secondary',
          onClick: go,
          disabled: !plan.value || empty || typed !== confirmName,
        },
      ]}
    >
      {plan.loading && <Busy label="Loading the teardown plan" />}
      {plan.error && <ErrorAlert error={plan.error} />}
      {empty && (
        <Alert severity="info">Nothing of this run is left to remove.</Alert>
      )}
      {plan.value && !empty && (
        <>
          <Typography variant="body2">
            This removes, in this order, and cannot be undone:
          </Typography>
          <StepList steps={steps} states={states} />
          <TextField
            label={`Type ${confirmName} to confirm`}
            value={typed}
            onChange={e => setTyped(e.target.value)}
            fullWidth
            margin="normal"
            disabled={busy}
            inputProps={{ 'aria-label': 'Confirm teardown' }}
          />
        </>
      )}
    </ConfirmDialog>
  );
}

/**
 * For an environment a template run created: remove everything that run
 * created (deployments, environments, catalog registrations), after showing
 * the plan and a typed confirmation, step by step.
 */
export function TeardownButton({
  name,
  taskId,
  state,
}: {
  /** The environment whose page this is (typed to confirm). */
  name: string;
  taskId: string;
  /** The backend's answer for deleting the environment. */
  state?: ActionAnswer;
}) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<TeardownResult>();
  if (done) {
    const removed = stepsOf(done).filter(s => s.status !== 'skipped');
    return (
      <Alert severity="info" role="status">
        Torn down: {removed.map(s => s.target).join(', ') || 'nothing was left'}
        .
      </Alert>
    );
  }
  return (
    <>
      <PermissionButton
        state={state}
        access={{ permission: environmentDeletePermission, resourceRef: name }}
        deniedTitle={`You may not delete ${name}`}
        label="Tear down template run"
        color="secondary"
        variant="outlined"
        onClick={() => setOpen(true)}
      >
        Tear down template run
      </PermissionButton>
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
