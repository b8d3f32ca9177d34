import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { DeploymentStatus } from '@stagecraft/backstage-plugin-stagecraft-common';

/** The rollout phase as a Backstage status (colour + text). */
export function HealthStatus({ status }: { status: DeploymentStatus }) {
  const reason = status.reason ? ` (${status.reason})` : '';
  switch (status.phase) {
    case 'complete':
      return <StatusOK>Healthy</StatusOK>;
    case 'progressing':
      return <StatusPending>Rolling out{reason}</StatusPending>;
    case 'failed':
      return <StatusError>Failed{reason}</StatusError>;
    case 'scaled-to-zero':
      return <StatusAborted>Scaled to zero</StatusAborted>;
    default:
      return <StatusWarning>Missing in cluster{reason}</StatusWarning>;
  }
}
