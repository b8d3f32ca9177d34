import Alert, { type Color } from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';
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
  const [severity, message] = outcome(request);
  return (
    <Alert severity={severity} onClose={onClose} role="status">
      {message}
    </Alert>
  );
}

/** How an Alert says what became of a request. */
function outcome(request: ApprovalRequest): [Color, ReactNode] {
  const noun = actionNoun(request);
  const component = request.component.replace(/^component:default\//, '');
  switch (request.state) {
    case 'executed':
      return [
        'success',
        <>
          Approved: the {noun} of {component} to {request.environment} runs
          {request.revision ? ` as revision ${request.revision}` : ''}.
        </>,
      ];
    case 'pending':
      return ['info', <>Your approval is recorded. {waitingText(request)}.</>];
    case 'rejected':
    case 'withdrawn':
      return [
        'info',
        <>
          {request.state === 'rejected' ? 'Rejected' : 'Withdrawn'}: the {noun}{' '}
          of {component} to {request.environment} will not run.
        </>,
      ];
    default:
      return [
        'error',
        <>
          The {noun} of {component} to {request.environment} {request.state}
          {request.error ? `: ${request.error}` : ''}.
        </>,
      ];
  }
}
