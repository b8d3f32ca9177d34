import { useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  ApprovalRequest,
  deploymentApprovePermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { DeniedTooltip, ErrorAlert } from '../common/ErrorAlert';
import { actionNoun, describeRequest, shortName, waitingText } from './text';
import { RelativeTime } from '../common/RelativeTime';
import { Busy } from '../common/Busy';

type Decision = 'approve' | 'reject';

function Principal({ refString }: { refString: string }) {
  return refString.startsWith('user:') || refString.startsWith('group:') ? (
    <EntityRefLink entityRef={refString} />
  ) : (
    <>{refString}</>
  );
}

/** Confirm an approval or a rejection, with an optional comment. */
export function DecisionDialog({
  request,
  decision,
  onClose,
  onDecided,
}: {
  request: ApprovalRequest;
  decision: Decision;
  onClose: () => void;
  onDecided: (result: ApprovalRequest) => void;
}) {
  const api = useApi(stagecraftApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  const decide = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const c = comment.trim() || undefined;
      const result =
        decision === 'approve'
          ? await api.approve(request.id, c)
          : await api.reject(request.id, c);
      onDecided(result);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        {verb} the {actionNoun(request)} to {request.environment}?
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          {describeRequest(request)}, requested by{' '}
          {shortName(request.requestedBy)}{' '}
          <RelativeTime at={request.requestedAt} />.
        </Typography>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {decision === 'approve'
            ? `${waitingText(
                request,
              )}. It runs as soon as enough approvers agreed.`
            : 'Nothing is deployed; the requester sees your rejection.'}
        </Typography>
        <TextField
          label="Comment (optional)"
          value={comment}
          onChange={e => setComment(e.target.value)}
          fullWidth
          multiline
          margin="normal"
          inputProps={{ 'aria-label': 'Comment' }}
        />
        {busy && <Busy label="Recording the decision" />}
        {error && <ErrorAlert error={error} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color={decision === 'approve' ? 'primary' : 'secondary'}
          variant="contained"
          onClick={decide}
          disabled={busy}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * One pending request: what waits, for whom, and — for those who may —
 * Approve and Reject (each confirmed in a dialog).
 */
export function PendingApproval({
  request,
  onDecided,
}: {
  request: ApprovalRequest;
  onDecided: (result: ApprovalRequest) => void;
}) {
  const identityApi = useApi(identityApiRef);
  const me = useAsync(
    async () => (await identityApi.getBackstageIdentity()).userEntityRef,
    [identityApi],
  );
  const canApprove = usePermission({
    permission: deploymentApprovePermission,
    resourceRef: request.environment,
  });
  const [decision, setDecision] = useState<Decision>();
  const own = !!me.value && me.value === request.requestedBy;
  const denied = !canApprove.loading && !canApprove.allowed;
  const already = request.approvals.some(a => a.by === me.value);
  let why = '';
  if (denied) why = `You may not approve deploys to ${request.environment}`;
  else if (own) {
    why = `You requested it: another member of ${request.group} must approve`;
  } else if (already) why = 'You approved it already';
  const noun = actionNoun(request);
  return (
    <Box
      role="group"
      aria-label={`Pending ${noun} to ${request.environment}`}
      data-testid={`approval-${request.id}`}
      p={1}
      my={0.5}
      borderLeft={4}
      borderColor="warning.main"
      bgcolor="action.hover"
    >
      <Typography variant="body2">
        <strong>Approval pending:</strong> {describeRequest(request)}
      </Typography>
      <Typography variant="caption" display="block">
        {waitingText(request)} — requested by{' '}
        <Principal refString={request.requestedBy} />{' '}
        <Tooltip title={request.requestedAt}>
          <RelativeTime at={request.requestedAt} />
        </Tooltip>
      </Typography>
      {request.approvals.map(a => (
        <Typography
          key={`${a.by}@${a.at}`}
          variant="caption"
          display="block"
          color="textSecondary"
        >
          Approved by {shortName(a.by)} <RelativeTime at={a.at} />
          {a.comment ? `: “${a.comment}”` : ''}
        </Typography>
      ))}
      <Box display="flex" style={{ gap: 8 }} mt={0.5}>
        <DeniedTooltip denied={!!why} title={why}>
          <Button
            size="small"
            variant="contained"
            color="primary"
            disabled={!!why || canApprove.loading}
            aria-label={`Approve ${noun} to ${request.environment}`}
            onClick={() => setDecision('approve')}
          >
            Approve
          </Button>
        </DeniedTooltip>
        <DeniedTooltip denied={denied} title={why}>
          <Button
            size="small"
            variant="outlined"
            disabled={denied || canApprove.loading}
            aria-label={`Reject ${noun} to ${request.environment}`}
            onClick={() => setDecision('reject')}
          >
            Reject
          </Button>
        </DeniedTooltip>
      </Box>
      {decision && (
        <DecisionDialog
          request={request}
          decision={decision}
          onClose={() => setDecision(undefined)}
          onDecided={result => {
            setDecision(undefined);
            onDecided(result);
          }}
        />
      )}
    </Box>
  );
}
