import { useMemo, useState } from 'react';
import {
  Content,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  ANNOTATIONS,
  EnvironmentDeployment,
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
import { stagecraftApiRef } from '../../api/StagecraftApi';
import {
  EnvironmentInfo,
  fullRef,
  imageTag,
  orderByPipeline,
  relativeTime,
} from '../common/environments';
import { useEnvironments } from '../common/useEnvironments';
import { HealthStatus } from '../common/HealthStatus';

const ALL = '';
const SOON_MS = 24 * 3_600_000;

function FilterSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth: 180 }}
      SelectProps={{ inputProps: { 'aria-label': label } }}
    >
      <MenuItem value={ALL}>All</MenuItem>
      {options.map(o => (
        <MenuItem key={o} value={o}>
          {o}
        </MenuItem>
      ))}
    </TextField>
  );
}

const distinct = (values: Array<string | undefined>) =>
  [...new Set(values.filter((v): v is string => !!v))].sort();

function EnvLink({ env }: { env: EnvironmentInfo }) {
  return env.entity ? (
    <EntityRefLink entityRef={`environment:default/${env.name}`}>
      {env.name}
    </EntityRefLink>
  ) : (
    <>{env.name}</>
  );
}

/** Every environment, filterable by owner, tier, cluster and expiry. */
export function EnvironmentsTable({
  environments,
}: {
  environments: EnvironmentInfo[];
}) {
  const [owner, setOwner] = useState(ALL);
  const [tier, setTier] = useState(ALL);
  const [cluster, setCluster] = useState(ALL);
  const [expiring, setExpiring] = useState(false);
  const now = Date.now();
  const shown = orderByPipeline(environments).filter(
    e =>
      (!owner || e.owner === owner) &&
      (!tier || e.tier === tier) &&
      (!cluster || e.cluster === cluster) &&
      (!expiring || (!!e.expiresAt && Date.parse(e.expiresAt) - now < SOON_MS)),
  );
  return (
    <InfoCard title={`Environments (${shown.length})`}>
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
        <FilterSelect
          label="Owner"
          value={owner}
          options={distinct(environments.map(e => e.owner))}
          onChange={setOwner}
        />
        <FilterSelect
          label="Tier"
          value={tier}
          options={distinct(environments.map(e => e.tier))}
          onChange={setTier}
        />
        <FilterSelect
          label="Cluster"
          value={cluster}
          options={distinct(environments.map(e => e.cluster))}
          onChange={setCluster}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={expiring}
              onChange={e => setExpiring(e.target.checked)}
            />
          }
          label="Expiring within 24 h"
        />
      </Box>
      {shown.length ? (
        <Table size="small" aria-label="environments">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Tier</TableCell>
              <TableCell>Cluster / namespace</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>System</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Expires</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map(e => (
              <TableRow key={e.name}>
                <TableCell>
                  <EnvLink env={e} />
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    label={e.tier}
                    color={e.tier === 'production' ? 'secondary' : 'default'}
                  />
                </TableCell>
                <TableCell>
                  {e.cluster} / {e.namespace}
                </TableCell>
                <TableCell>
                  {e.owner ? <EntityRefLink entityRef={e.owner} /> : '—'}
                </TableCell>
                <TableCell>
                  {e.system ? <EntityRefLink entityRef={e.system} /> : '—'}
                </TableCell>
                <TableCell>
                  {e.provisioned ? e.provisioned.phase : 'Not provisioned'}
                </TableCell>
                <TableCell>
                  {e.expiresAt ? relativeTime(e.expiresAt, now) : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2">
          No environment matches these filters.
        </Typography>
      )}
    </InfoCard>
  );
}

function Cell({ d }: { d?: EnvironmentDeployment }) {
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
function UsageCell({ u }: { u?: EnvironmentUsage }) {
  if (!u) {
    return (
      <Typography variant="body2" color="textSecondary">
        —
      </Typography>
    );
  }
  return (
    <Box data-testid={`usage-${u.environment}`}>
      <Typography variant="caption" display="block">
        CPU {formatCores(u.requests.cpu)} / {formatCores(u.quota.cpu)} (
        {percentOf(u.requests.cpu, u.quota.cpu)}%)
      </Typography>
      <Typography variant="caption" display="block">
        Memory {formatBytes(u.requests.memory)} / {formatBytes(u.quota.memory)}{' '}
        ({percentOf(u.requests.memory, u.quota.memory)}%)
      </Typography>
      <Typography variant="caption" display="block">
        Pods {u.pods} / {u.quota.pods}
      </Typography>
      {u.estimate && (
        <Typography variant="body2">
          ≈ {formatMoney(u.estimate.monthly, u.estimate.currency)}/month
        </Typography>
      )}
    </Box>
  );
}

/** "Estimated monthly cost: €40.00" over every environment shown (one currency each). */
function totalCost(usage: EnvironmentUsage[]) {
  const byCurrency = new Map<string, number>();
  for (const u of usage) {
    if (!u.estimate) continue;
    byCurrency.set(
      u.estimate.currency,
      (byCurrency.get(u.estimate.currency) ?? 0) + u.estimate.monthly,
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
        const items = await api.getDeployments(ref);
        return {
          ref,
          byEnv: Object.fromEntries(items.map(d => [d.environment, d])),
        };
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
  } else if (!usage.loading && usage.value === undefined) {
    usageNote = (
      <Typography variant="caption" color="textSecondary">
        Usage is not available: this Stagecraft backend has no usage endpoint
        yet.
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

  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error) body = <ResponseErrorPanel error={state.error} />;
  else if (!state.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No deployable components for this team"
        description="A component appears here once it has a stagecraft.io/workload annotation and this team as spec.owner."
      />
    );
  } else {
    body = (
      <Table size="small" aria-label="team matrix">
        <TableHead>
          <TableRow>
            <TableCell>Component</TableCell>
            {columns.map(e => (
              <TableCell key={e.name}>
                <EnvLink env={e} />
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {state.value.map(row => (
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
                  <UsageCell u={usage.value?.[e.name]} />
                </TableCell>
              ))}
            </TableRow>
          )}
        </TableBody>
      </Table>
    );
  }
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

/** The top-level "Environments" page. @public */
export function EnvironmentsPage() {
  const environments = useEnvironments();
  const [tab, setTab] = useState(0);
  let body: JSX.Element;
  if (environments.loading) body = <Progress />;
  else if (environments.error) {
    body = <ResponseErrorPanel error={environments.error} />;
  } else if (!environments.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No environments yet"
        description="Declare one as a kind: Environment entity in the catalog, or create one with the Stagecraft environment template (or POST /api/stagecraft/environments)."
      />
    );
  } else if (tab === 0) {
    body = <EnvironmentsTable environments={environments.value} />;
  } else {
    body = <TeamMatrix environments={environments.value} />;
  }
  return (
    <Content>
      <Tabs
        value={tab}
        onChange={(_, v) => setTab(v)}
        indicatorColor="primary"
        style={{ marginBottom: 16 }}
      >
        <Tab label="All environments" />
        <Tab label="Team view" />
      </Tabs>
      {body}
    </Content>
  );
}
