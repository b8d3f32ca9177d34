import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { environmentCreatePermission } from '@stagecraft/backstage-plugin-stagecraft-common';
import { ProvisionResult, stagecraftApiRef } from '../../api/StagecraftApi';
import { ErrorAlert } from '../common/ErrorAlert';
import { messageOf, statusOf } from '../common/format';
import { ActionAnswer, PermissionButton } from '../common/PermissionButton';

function ProvisionError({ name, error }: { name: string; error: Error }) {
  const status = statusOf(error);
  if (status === 404) {
    return (
      <Alert severity="warning" style={{ marginTop: 8 }}>
        <AlertTitle>No declared environment {name}</AlertTitle>
        Stagecraft found no kind: Environment entity named {name} to provision
        from ({messageOf(error)}). It may not be in the catalog yet: refresh the
        entity and try again.
      </Alert>
    );
  }
  if (status === 409) {
    return (
      <Alert severity="error" style={{ marginTop: 8 }}>
        <AlertTitle>
          A provisioned environment {name} differs from this declaration
        </AlertTitle>
        {messageOf(error)}
      </Alert>
    );
  }
  return <ErrorAlert error={error} />;
}

/**
 * Provision a declared environment (POST /environments/:name/provision):
 * its entity's spec becomes the namespace, quota, limits, network policies
 * and role binding. Needs stagecraft.environment.create.
 */
export function ProvisionButton({
  name,
  state,
  onProvisioned,
}: {
  name: string;
  /** The backend's answer for `provision` (GET /environments/{name}/actions), when asked. */
  state?: ActionAnswer;
  onProvisioned?: (result: ProvisionResult) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [result, setResult] = useState<ProvisionResult>();
  const provision = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.provisionEnvironment(name);
      setResult(r);
      onProvisioned?.(r);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <PermissionButton
          state={state}
          access={{
            permission: environmentCreatePermission,
            resourceRef: name,
          }}
          deniedTitle="You may not provision environments (stagecraft.environment.create)"
          label={`Provision ${name}`}
          busy={busy || !!result}
          variant="outlined"
          color="primary"
          onClick={provision}
        >
          Provision
        </PermissionButton>
        {busy && (
          <>
            <CircularProgress size={16} aria-label={`provisioning ${name}`} />
            <Typography variant="caption" role="status">
              Provisioning {name}…
            </Typography>
          </>
        )}
        {result && (
          <Typography variant="caption" role="status">
            {result.created
              ? `Provisioned ${name}`
              : `${name} was already provisioned with this spec`}
            {result.environment?.phase ? ` (${result.environment.phase})` : ''}
          </Typography>
        )}
      </Box>
      {error && <ProvisionError name={name} error={error} />}
    </Box>
  );
}
