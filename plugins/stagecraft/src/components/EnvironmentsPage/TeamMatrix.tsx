import { useMemo, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { ListBody } from '../common/ListBody';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATIONS,
  EnvironmentUsage,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  formatBytes,
  formatCores,
  formatMoney,
  messageOf,
  percentOf,
  statusOf,
} from '../common/format';
import {
  byEnvironment,
  PlacedDeployment,
  stagecraftApiRef,
  Wire,
} from '../../api/StagecraftApi';
import {
  EnvironmentInfo,
  fullRef,
  imageTag,
  orderByPipeline,
} from '../common/environments';
import { HealthStatus } from '../common/HealthStatus';
import { ALL, distinct, EnvLink, FilterSelect } from './parts';
import { HeadRow } from '../common/HeadRow';

function Cell({ d }: { d?: PlacedDeployment }) {
  if (!d?.revision) {
    return (
      <Typography variant="body2" color="textSecondary">
        —
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="body2">{imageTag(d.revision.image)}</Typography>
      <HealthStatus status={d.status} />
    </>
  );
}

/** Requests of one environment against its quota, and its estimated cost. */
function UsageCell({
  env,
  u,
}: {
  env: EnvironmentInfo;
  u?: Wire<EnvironmentUsage>;
}) {
  if (!env.provisioned) {
    return (
      <Typography variant="caption" color="textSecondary">
        Not provisioned yet: Provision it on the All environments tab
      </Typography>
    );
  }
  if (!u) {
    return (
      <Typography variant="body2" color="textSecondary">
        —
      </Typography>
    );
  }
  return (
    <Box data-testid={`usage-${env.name}`}>
      <Typography variant="caption" display="block">
        CPU {formatCores(u.requests?.cpu)} / {formatCores(u.quota?.cpu)} (
        {percentOf(u.requests?.cpu, u.quota?.cpu)}%)
      </Typography>
      <Typography variant="caption" display="block">
        Memory {formatBytes(u.requests?.memory)} /{' '}
        {formatBytes(u.quota?.memory)} (
        {percentOf(u.requests?.memory, u.quota?.memory)}%)
      </Typography>
      <Typography variant="caption" display="block">
        Pods {u.pods ?? '—'} / {u.quota?.pods ?? '—'}
      </Typography>
      {u.estimate?.currency && u.estimate.monthly !== undefined && (
        <Typography variant="body2">
          ≈ {formatMoney(u.estimate.monthly, u.estimate.currency)}/month
        </Typography>
      )}
    </Box>
  );
}

/** "Estimated monthly cost: €40.00" over every environment shown (one currency each). */
function totalCost(usage: Wire<EnvironmentUsage>[]) {
  const byCurrency = new Map<string, number>();
  for (const { estimate } of usage) {
    if (!estimate?.currency || estimate.monthly === undefined) continue;
    byCurrency.set(
      estimate.currency,
      (byCurrency.get(estimate.currency) ?? 0) + estimate.monthly,
    );
  }
  return [...byCurrency]
    .map(([currency, sum]) => formatMoney(sum, currency))
    .join(' + ');
}

/** Every component of a team × every environment of that team. */
export function TeamMatrix({
  environments,
}: {
  environments: EnvironmentInfo[];
}) {
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(stagecraftApiRef);
  const owners = distinct(environments.map(e => e.owner));
  // the team with the most environments first; "All" is one click away
  const busiest = [...owners].sort(
    (a, b) =>
      environments.filter(e => e.owner === b).length -
      environments.filter(e => e.owner === a).length,
  )[0];
  const [team, setTeam] = useState(busiest ?? ALL);
  const columns = useMemo(
    () => orderByPipeline(environments.filter(e => !team || e.owner === team)),
    [environments, team],
  );
  const state = useAsync(async () => {
    const components = (
      await catalogApi.getEntities({ filter: { kind: 'component' } })
    ).items.filter(
      c =>
        c.metadata.annotations?.[ANNOTATIONS.workload] &&
        (!team ||
          fullRef((c.spec as { owner?: string })?.owner, 'group') === team),
    );
    return Promise.all(
      components.map(async c => {
        const ref = stringifyEntityRef(c);
        return { ref, byEnv: byEnvironment(await api.getDeployments(ref)) };
      }),
    );
  }, [catalogApi, api, team]);
  const usage = useAsync(async () => {
    const items = await api.listUsage(team || undefined);
    return items && Object.fromEntries(items.map(u => [u.environment, u]));
  }, [api, team]);
  const shownUsage = columns
    .map(c => usage.value?.[c.name])
    .filter((u): u is EnvironmentUsage => !!u);
  const cost = totalCost(shownUsage);

  let usageNote: JSX.Element | undefined;
  if (usage.error) {
    usageNote = (
      <Typography variant="caption" color="textSecondary">
        {statusOf(usage.error) === 403
          ? `You may not see the usage of these environments (${messageOf(
              usage.error,
            )}).`
          : `Usage unknown: ${messageOf(usage.error)}`}
      </Typography>
    );
  } else if (cost) {
    usageNote = (
      <Typography variant="body2">
        Estimated monthly cost{team ? ` of ${team}` : ''}:{' '}
        <strong>{cost}</strong>{' '}
        <Typography variant="caption" color="textSecondary" component="span">
          (requests of {shownUsage.length} environment
          {shownUsage.length === 1 ? '' : 's'} at the configured prices)
        </Typography>
      </Typography>
    );
  }

  const body = (
    <ListBody
      state={state}
      empty={{
        title: 'No deployable components for this team',
        description:
          'A component appears here once it has a stagecraft.io/workload annotation and this team as spec.owner.',
      }}
    >
      {items => (
        <Table size="small" aria-label="team matrix">
          <HeadRow
            columns={[
              'Component',
              ...columns.map(e => <EnvLink key={e.name} env={e} />),
            ]}
          />
          <TableBody>
            {items.map(row => (
              <TableRow key={row.ref}>
                <TableCell>
                  <EntityRefLink entityRef={row.ref} />
                </TableCell>
                {columns.map(e => (
                  <TableCell key={e.name}>
                    <Cell d={row.byEnv[e.name]} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
            {shownUsage.length > 0 && (
              <TableRow data-testid="usage-row">
                <TableCell>
                  <Typography variant="subtitle2">Usage / cost</Typography>
                  <Typography variant="caption" color="textSecondary">
                    requests vs quota
                  </Typography>
                </TableCell>
                {columns.map(e => (
                  <TableCell key={e.name}>
                    <UsageCell env={e} u={usage.value?.[e.name]} />
                  </TableCell>
                ))}
              </TableRow>
            )}
          </TableBody>
        </Table>
      )}
    </ListBody>
  );
  return (
    <InfoCard title="Team view">
      <Box mb={2} display="flex" alignItems="center" style={{ gap: 24 }}>
        <FilterSelect
          label="Team"
          value={team}
          options={owners}
          onChange={setTeam}
        />
        {usageNote}
      </Box>
      {body}
    </InfoCard>
  );
}
