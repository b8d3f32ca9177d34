import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { WireStatus } from '../../api/wire';

/** The short words of a cluster the backend cannot read, from its message. */
export function clusterErrorTitle(message: string): string {
  if (/\(401\b/.test(message)) return 'Credentials refused (401)';
  if (/\(403\b/.test(message)) return 'Cluster read forbidden (403)';
  return 'Cluster unavailable';
}

/**
 * The rollout phase as a Backstage status (colour + text, on one line); any
 * field may be missing. While the backend cannot read the cluster
 * (`clusterError`), that error instead: the phase would be the last one seen.
 * While the environment is being deleted, that: its status only winds down.
 */
export function HealthStatus({
  status,
  environmentPhase,
}: {
  status?: WireStatus;
  /** The environment's phase when not Ready (the deployments answer's). */
  environmentPhase?: string;
}) {
  if (environmentPhase === 'Deleting') {
    // its namespace is going: pods wind down, nothing rolls out
    return (
      <span style={{ whiteSpace: 'nowrap' }}>
        <StatusAborted>Environment being deleted</StatusAborted>
      </span>
    );
  }
  if (status?.clusterError) {
    return (
      <span role="alert">
        <span style={{ whiteSpace: 'nowrap' }}>
          <StatusError>{clusterErrorTitle(status.clusterError)}</StatusError>
        </span>
        <Typography variant="caption" display="block">
          {status.clusterError}
          {status.phase ? ` (last status seen: ${status.phase})` : ''}
        </Typography>
      </span>
    );
  }
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
