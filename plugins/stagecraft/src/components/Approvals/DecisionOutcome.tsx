import Alert from '@material-ui/lab/Alert';
import type { ApprovalRequest } from '@stagecraft/backstage-plugin-stagecraft-common';
import { actionNoun, waitingText } from './text';

/** What became of a request the user just decided on. */
export function DecisionOutcome({
  request,
  onClose,
}: {
  request: ApprovalRequest;
  onClose?: () => void;
}) {
  const noun = actionNoun(request);
  const component = request.component.replace(/^component:default\//, '');
  switch (request.state) {
    case 'executed':
      return (
        <Alert severity="success" onClose={onClose} role="status">
          Approved: the {noun} of {component} to {request.environment} runs
          {request.revision ? ` as revision ${request.revision}` : ''}.
        </Alert>
      );
    case 'pending':
      return (
        <Alert severity="info" onClose={onClose} role="status">
          Your approval is recorded. {waitingText(request)}.
        </Alert>
      );
    case 'rejected':
      return (
        <Alert severity="info" onClose={onClose} role="status">
          Rejected: the {noun} of {component} to {request.environment} will not
          run.
        </Alert>
      );
    case 'withdrawn':
      return (
        <Alert severity="info" onClose={onClose} role="status">
          Withdrawn: the {noun} of {component} to {request.environment} will not
          run.
        </Alert>
      );
    default:
      return (
        <Alert severity="error" onClose={onClose} role="status">
          The {noun} of {component} to {request.environment} {request.state}
          {request.error ? `: ${request.error}` : ''}.
        </Alert>
      );
  }
}
