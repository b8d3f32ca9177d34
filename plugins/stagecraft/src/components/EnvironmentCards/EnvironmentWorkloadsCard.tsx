import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { HealthStatus } from '../common/HealthStatus';
import { imageTag } from '../common/environments';
import { useEnvironmentWorkloads } from '../common/useEnvironmentWorkloads';
import { HeadRow } from '../common/HeadRow';
import { RelativeTime } from '../common/RelativeTime';
import { LogsButton } from '../Logs';
import { ListBody } from '../common/ListBody';

/** Components running in this environment, live (see useEnvironmentWorkloads). @public */
export function EnvironmentWorkloadsCard() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const workloads = useEnvironmentWorkloads(entity);
  const body = (
    <ListBody
      state={{
        loading: workloads.loading,
        error: workloads.error,
        value: workloads.items,
      }}
      empty={{
        title: 'Nothing runs here yet',
        description: `Deploy a component to ${name} from its Deployments tab (it needs a stagecraft.io/workload annotation), or with the stagecraft:deploy template action.`,
      }}
    >
      {items => (
        <Table size="small" aria-label="workloads">
          <HeadRow
            columns={[
              'Component',
              'Release',
              'Health',
              'Replicas',
              'Last deploy',
              'Logs',
            ]}
          />
          <TableBody>
            {items.map(({ ref, deployment: d }) => (
              <TableRow key={ref}>
                <TableCell>
                  <EntityRefLink entityRef={ref} />
                </TableCell>
                <TableCell>
                  {d.revision ? imageTag(d.revision.image) : 'Not deployed'}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {d.revision?.releaseId}
                  </Typography>
                </TableCell>
                <TableCell>
                  <HealthStatus status={d.status} />
                </TableCell>
                <TableCell>
                  {d.status?.replicas
                    ? `${d.status.replicas.ready ?? '?'}/${
                        d.status.replicas.desired ?? '?'
                      }`
                    : '—'}
                </TableCell>
                <TableCell>
                  {d.revision ? (
                    <>
                      {d.revision.action ?? 'changed'} by{' '}
                      {d.revision.actor ?? 'someone'}{' '}
                      <RelativeTime at={d.revision.at} />
                    </>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  <LogsButton componentRef={ref} environment={name} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </ListBody>
  );
  return <InfoCard title="Workloads running here">{body}</InfoCard>;
}
