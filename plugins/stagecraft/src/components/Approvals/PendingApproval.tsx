import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  ApprovalRequest,
  deploymentApprovePermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { ErrorAlert } from '../common/ErrorAlert';
import { PermissionButton } from '../common/PermissionButton';
import { answerOf, useComponentActions } from '../common/useActions';
import { actionNoun, describeRequest, shortName, waitingText } from './text';
import { RelativeTime } from '../common/RelativeTime';
import { Busy } from '../common/Busy';
import { useBusy } from '../common/ConfirmDialog';

type Decision = 'approve' | 'reject' | 'withdraw';

const VERBS: Record<Decision, string> = {
  approve: 'Approve',
  reject: 'Reject',
  withdraw: 'Withdraw',
};

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
  const { busy, error, run } = useBusy();
  const verb = VERBS[decision];
  const decide = () =>
    run(
      async () => {
        const c = comment.trim() || undefined;
        onDecided(await api[decision](request.id, c));
      },
      { stayBusy: true },
    );
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
          {
            {
              approve: `${waitingText(
                request,
              )}. It runs as soon as enough approvers agreed.`,
              reject: 'Nothing is deployed; the requester sees your rejection.',
              withdraw:
                'Nothing is deployed; the approvers no longer see the request.',
            }[decision]
          }
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
 * One pending request: what waits, for whom, and — as the backend answers for
 * this user — Approve and Reject, or Withdraw for its requester (each
 * confirmed in a dialog). A disabled one says the backend's reason.
 */
export function PendingApproval({
  request,
  onDecided,
}: {
  request: ApprovalRequest;
  onDecided: (result: ApprovalRequest) => void;
}) {
  const answers = useComponentActions(
    request.component,
    [request.environment],
    `${request.id}:${request.approvals.length}:${request.state}`,
  );
  const actions = answers[request.environment];
  const [decision, setDecision] = useState<Decision>();
  const noun = actionNoun(request);
  const withdraw = answerOf(actions, 'withdraw');
  const button = (d: Decision, deniedTitle: string) => (
    <PermissionButton
      state={answerOf(actions, d)}
      access={{
        permission: deploymentApprovePermission,
        resourceRef: request.environment,
      }}
      deniedTitle={deniedTitle}
      label={`${VERBS[d]} ${noun} to ${request.environment}`}
      variant={d === 'approve' ? 'contained' : 'outlined'}
      color={d === 'approve' ? 'primary' : 'default'}
      onClick={() => setDecision(d)}
    >
      {VERBS[d]}
    </PermissionButton>
  );
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
        <RelativeTime at={request.requestedAt} />
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
        {button(
          'approve',
          `You may not approve deploys to ${request.environment}`,
        )}
        {button(
          'reject',
          `You may not reject deploys to ${request.environment}`,
        )}
        {typeof withdraw === 'object' &&
          !(withdraw instanceof Error) &&
          withdraw.allowed &&
          button('withdraw', 'Only its requester may withdraw it')}
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
