import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import type { ProvisionedResource } from '@stagecraft/backstage-plugin-stagecraft-common';
import { asArray, Wire } from '../../api/StagecraftApi';
import { HeadRow } from '../common/HeadRow';
import {
  NotProvisioned,
  useEnvironmentRead,
} from '../common/useEnvironmentRead';
import { RelativeTime } from '../common/RelativeTime';

type Resource = Wire<ProvisionedResource>;

function Principal({ who: r }: { who?: string }) {
  if (!r) return <>someone</>;
  return r.startsWith('user:') || r.startsWith('group:') ? (
    <EntityRefLink entityRef={r} />
  ) : (
    <>{r}</>
  );
}

/** Live readiness (an object from the driver; absent when the cluster did not answer). */
export function ResourceStatus({ status }: { status?: Resource['status'] }) {
  if (!status || typeof status !== 'object' || status.ready === undefined) {
    return <StatusPending>Status unknown</StatusPending>;
  }
  const message = typeof status.message === 'string' ? status.message : '';
  return status.ready ? (
    <StatusOK>Ready{message ? ` (${message})` : ''}</StatusOK>
  ) : (
    <StatusError>Not ready{message ? `: ${message}` : ''}</StatusError>
  );
}

function RequestedBy({ r }: { r: Resource }) {
  const consumers = asArray(r.consumers).filter(c => c?.component);
  if (!consumers.length) {
    return (
      <>
        <Principal who={r.createdBy} /> <RelativeTime at={r.createdAt} />
      </>
    );
  }
  return (
    <>
      {consumers.map(c => (
        <Typography key={`${c.component}/${c.resource}`} variant="body2">
          <EntityRefLink entityRef={c.component!} />
          {c.resource ? ` (resources.${c.resource})` : ''}, deployed by{' '}
          <Principal who={c.actor} /> <RelativeTime at={c.at} />
        </Typography>
      ))}
    </>
  );
}

/** Resources provisioned in this environment (databases, caches, …). @public */
export function EnvironmentResourcesCard() {
  const { name, state } = useEnvironmentRead((api, env) =>
    api.getEnvironmentResources(env),
  );
  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error) body = <ResponseErrorPanel error={state.error} />;
  else if (state.value === undefined) {
    body = <NotProvisioned name={name} what="resources" />;
  } else if (!asArray(state.value).length) {
    body = (
      <EmptyState
        missing="data"
        title="No resources provisioned here"
        description="A workload requests resources (a database, a cache) in its Score spec (the resources section); deploying it here provisions them."
      />
    );
  } else {
    body = (
      <Table size="small" aria-label="resources">
        <HeadRow columns={['Resource', 'Type', 'Status', 'Requested by']} />
        <TableBody>
          {asArray(state.value).map((r, i) => (
            <TableRow key={`${r?.name ?? r?.id ?? r?.type}/${i}`}>
              <TableCell>
                <Typography variant="body2">
                  {r?.name ?? r?.id ?? 'unnamed'}
                </Typography>
                {r?.driver && (
                  <Typography variant="caption" color="textSecondary">
                    {r.driver}
                    {r.definition ? ` · ${r.definition}` : ''}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {[r?.type, r?.class].filter(Boolean).join(' · ') || '—'}
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <ResourceStatus status={r?.status} />
              </TableCell>
              <TableCell>{r && <RequestedBy r={r} />}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Resources">{body}</InfoCard>;
}
