import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { WireStatus } from '../../api/wire';

/** The rollout phase as a Backstage status (colour + text, on one line); any field may be missing. */
export function HealthStatus({ status }: { status?: WireStatus }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Phase status={status} />
    </span>
  );
}

function Phase({ status }: { status?: WireStatus }) {
  const reason = status?.reason ? ` (${status.reason})` : '';
  switch (status?.phase) {
    case undefined:
      return <StatusPending>Status not reported yet</StatusPending>;
    case 'complete':
      return <StatusOK>Healthy</StatusOK>;
    case 'progressing':
      return <StatusPending>Rolling out{reason}</StatusPending>;
    case 'failed':
      return <StatusError>Failed{reason}</StatusError>;
    case 'scaled-to-zero':
      return <StatusAborted>Scaled to zero</StatusAborted>;
    case 'paused':
      return <StatusAborted>Paused</StatusAborted>;
    default:
      return <StatusWarning>Missing in cluster{reason}</StatusWarning>;
  }
}
