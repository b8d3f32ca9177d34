import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { ClusterProblem } from './useClusterHealth';
import { clusterErrorTitle } from './HealthStatus';

/** `cluster X: <error>`, without saying the name twice when the backend's message names it. */
export function clusterProblemText(
  cluster: string,
  error: string,
  wrap: (e: string) => string = e => e,
) {
  return error.startsWith(`cluster ${cluster}`)
    ? error
    : `${cluster}: ${wrap(error)}`;
}

/** Which cluster is unreachable, since when, and what to do. */
export function ClusterProblems({
  problems,
  lastStatusAt,
}: {
  problems: ClusterProblem[];
  /** The newest status the watch cache reported, if any. */
  lastStatusAt?: string;
}) {
  if (!problems.length) return null;
  return (
    <WarningPanel
      severity="error"
      title={problems
        .map(p => {
          const title = clusterErrorTitle(p.error);
          return title === 'Cluster unavailable'
            ? `Cluster "${p.cluster}" is unreachable`
            : `Cluster "${p.cluster}": ${title.toLowerCase()}`;
        })
        .join('; ')}
    >
      {problems.map(p => (
        <Typography key={p.cluster} variant="body2">
          {clusterProblemText(p.cluster, p.error)} — failing since at least{' '}
          {new Date(p.since).toLocaleString()}
          {lastStatusAt
            ? `; the status shown is the last one seen (${new Date(
                lastStatusAt,
              ).toLocaleString()})`
            : ''}
          . Deploys to it will fail until it answers again: check the cluster
          (or ask the platform team to check its credentials in
          kubernetes.clusterLocatorMethods).
        </Typography>
      ))}
    </WarningPanel>
  );
}
