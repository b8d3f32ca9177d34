import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsync from 'react-use/esm/useAsync';
import {
  CloneResult,
  Environment,
  environmentCreatePermission,
  validateDnsLabel,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { DeniedTooltip } from '../common/ErrorAlert';
import { HeadRow } from '../common/HeadRow';
import {
  ConfirmDialog,
  previewThenConfirm,
  useBusy,
} from '../common/ConfirmDialog';

function ClonePlan({ plan, name }: { plan: CloneResult; name: string }) {
  return (
    <>
      <Typography variant="body2" gutterBottom>
        {plan.environment.name} ({plan.environment.type}, tier{' '}
        {plan.environment.tier}) on {plan.environment.cluster}, owned by{' '}
        {plan.environment.owner}
        {plan.environment.expiresAt
          ? `, expires ${plan.environment.expiresAt}`
          : ''}
        .
      </Typography>
      {plan.deployed.length ? (
        <Table size="small" aria-label="releases to deploy">
          <HeadRow columns={['Component', 'Release']} />
          <TableBody>
            {plan.deployed.map(d => (
              <TableRow key={d.component}>
                <TableCell>{d.component}</TableCell>
                <TableCell>
                  {d.releaseId}
                  {d.revision ? ` (revision ${d.revision})` : ''}
                  {d.pending ? ' (waits for approval)' : ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">
          Nothing runs in the source: the clone starts empty.
        </Typography>
      )}
      <Typography variant="body2" style={{ marginTop: 8 }}>
        {plan.configCopied} configuration value
        {plan.configCopied === 1 ? '' : 's'} copied.
      </Typography>
      {plan.secretsToSet.length > 0 && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          <AlertTitle>Secrets are never copied</AlertTitle>
          Set these in {name} yourself:{' '}
          {plan.secretsToSet.map(s => `${s.component} ${s.key}`).join(', ')}.
        </Alert>
      )}
    </>
  );
}

/**
 * Clone an environment: a new one of a chosen type with the same releases
 * and configuration values (never secrets). A dry run shows what will be
 * deployed before anything is created.
 */
export function CloneButton({ env }: { env: Environment }) {
  const api = useApi(stagecraftApiRef);
  // decided on the source (a policy's tier/owner conditions); the backend
  // decides again on the proposed clone, whose type the dialog chooses
  const canCreate = usePermission({
    permission: environmentCreatePermission,
    resourceRef: env.name,
  });
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [type, setType] = useState(env.type);
  const [ttl, setTtl] = useState('');
  const [plan, setPlan] = useState<CloneResult>();
  const [done, setDone] = useState<CloneResult>();
  const { busy, error, setError, run: attempt } = useBusy();
  const types = useAsync(
    async () => (open ? api.listEnvironmentTypes() : []),
    [api, open],
  );
  const nameProblem = name ? validateDnsLabel(name, 'name') : undefined;
  const chosenType = types.value?.find(t => t.name === type);

  const run = (dryRun: boolean) =>
    attempt(async () => {
      const result = await api.cloneEnvironment(env.name, {
        name,
        type,
        ...(ttl.trim() && { ttl: ttl.trim() }),
        dryRun,
      });
      if (dryRun) setPlan(result);
      else setDone(result);
    });
  const change = (set: (v: string) => void) => (v: string) => {
    set(v);
    setPlan(undefined);
  };
  const close = () => {
    setOpen(false);
    setPlan(undefined);
    setDone(undefined);
    setError(undefined);
    setName('');
  };

  return (
    <>
      <DeniedTooltip
        denied={!canCreate.loading && !canCreate.allowed}
        title="You may not create environments"
      >
        <Button
          size="small"
          variant="outlined"
          disabled={!canCreate.allowed}
          onClick={() => setOpen(true)}
        >
          Clone
        </Button>
      </DeniedTooltip>
      {open && (
        <ConfirmDialog
          title={`Clone ${env.name}`}
          busy={busy}
          busyLabel="Cloning"
          error={error}
          onClose={close}
          done={!!done}
          maxWidth="md"
          actions={previewThenConfirm({
            previewed: !!plan,
            previewLabel: 'Preview',
            onPreview: () => run(true),
            canPreview: !!name && !nameProblem && !!type,
            confirmLabel: 'Clone',
            onConfirm: () => run(false),
          })}
        >
          {done ? (
            <>
              <Alert severity="success" role="status">
                Created{' '}
                <EntityRefLink
                  entityRef={`environment:default/${done.environment.name}`}
                >
                  {done.environment.name}
                </EntityRefLink>{' '}
                with {done.deployed.length} release
                {done.deployed.length === 1 ? '' : 's'} of {env.name}.
              </Alert>
              {done.deployed.some(d => d.pending) && (
                <Alert severity="info" style={{ marginTop: 8 }}>
                  {done.environment.name} needs approvals: the releases of{' '}
                  {done.deployed
                    .filter(d => d.pending)
                    .map(d => d.component)
                    .join(', ')}{' '}
                  wait for them and run once approved.
                </Alert>
              )}
              {done.secretsToSet.length > 0 && (
                <Alert severity="warning" style={{ marginTop: 8 }}>
                  Set the secrets in {done.environment.name}:{' '}
                  {done.secretsToSet
                    .map(s => `${s.component} ${s.key}`)
                    .join(', ')}
                  .
                </Alert>
              )}
            </>
          ) : (
            <>
              <Typography variant="body2">
                A new environment with the releases and configuration values
                running in {env.name}. Secret values are write-only and never
                copied.
              </Typography>
              <TextField
                label="Name"
                value={name}
                onChange={e => change(setName)(e.target.value.trim())}
                error={!!nameProblem}
                helperText={nameProblem?.message ?? 'e.g. payments-pr-42'}
                fullWidth
                margin="normal"
                inputProps={{ 'aria-label': 'Name' }}
              />
              {types.value?.length ? (
                <TextField
                  select
                  label="Type"
                  value={type}
                  onChange={e => change(setType)(e.target.value)}
                  fullWidth
                  margin="normal"
                  helperText={chosenType?.description}
                  SelectProps={{ inputProps: { 'aria-label': 'Type' } }}
                >
                  {types.value.map(t => (
                    <MenuItem key={t.name} value={t.name}>
                      {t.name} ({t.tier})
                    </MenuItem>
                  ))}
                </TextField>
              ) : (
                <TextField
                  label="Type"
                  value={type}
                  onChange={e => change(setType)(e.target.value)}
                  fullWidth
                  margin="normal"
                  inputProps={{ 'aria-label': 'Type' }}
                />
              )}
              <TextField
                label="Time to live (optional)"
                value={ttl}
                onChange={e => change(setTtl)(e.target.value)}
                placeholder={chosenType?.defaultTtl ?? '8h'}
                helperText={`e.g. 8h or 3d; deleted when it passes${
                  chosenType?.defaultTtl
                    ? ` (default for ${type}: ${chosenType.defaultTtl})`
                    : ''
                }`}
                fullWidth
                margin="normal"
                inputProps={{ 'aria-label': 'Time to live' }}
              />
              {plan && <ClonePlan plan={plan} name={name} />}
            </>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
