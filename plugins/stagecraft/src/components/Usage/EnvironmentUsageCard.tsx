import { InfoCard, Progress } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { EnvironmentUsage } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { ReactNode } from 'react';
import { CardError } from '../common/ErrorAlert';
import {
  NotProvisioned,
  useEnvironmentRead,
} from '../common/useEnvironmentRead';
import { formatBytes, formatCores, formatMoney } from '../common/format';
import { UsageBar } from './UsageBar';

const count = (n: number) => String(n);

/** A workload's or component's name: a link to the component when it has one. */
function Name({ component, name }: { component?: string; name: string }) {
  return component?.includes(':') ? (
    <EntityRefLink entityRef={component} />
  ) : (
    <>{component ?? name}</>
  );
}

/** One line on actual usage: the amounts, or why the cluster cannot tell. */
function ActualLine({ usage }: { usage: EnvironmentUsage }) {
  if (usage.actual) {
    return (
      <Typography variant="body2">
        Actual usage: {formatCores(usage.actual.cpu)} CPU ·{' '}
        {formatBytes(usage.actual.memory)} memory
      </Typography>
    );
  }
  return (
    <Typography variant="caption" color="textSecondary" display="block">
      {usage.metrics && !usage.metrics.available
        ? `No actual usage: ${usage.metrics.reason}.`
        : 'Actual usage needs metrics-server, which this cluster does not offer; these are the requests and limits of what runs here.'}
    </Typography>
  );
}

type Amounts = { cpu?: number; memory?: number };

/**
 * A usage table, one row a workload or component: its name, how many run,
 * requests / limits and (with `actual`) what it uses.
 */
function UsageTable({
  label,
  columns: [what, howMany],
  actual,
  rows,
}: {
  label: string;
  columns: [string, string];
  actual: boolean;
  rows: Array<{
    key: string;
    name: ReactNode;
    count: number;
    requests: Amounts;
    limits: Amounts;
    actual?: Amounts;
  }>;
}) {
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>{what}</TableCell>
          <TableCell align="right">{howMany}</TableCell>
          <TableCell align="right">CPU requests / limits</TableCell>
          {actual && <TableCell align="right">CPU actual</TableCell>}
          <TableCell align="right">Memory requests / limits</TableCell>
          {actual && <TableCell align="right">Memory actual</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(r => (
          <TableRow key={r.key}>
            <TableCell>{r.name}</TableCell>
            <TableCell align="right">{r.count}</TableCell>
            <TableCell align="right">
              {formatCores(r.requests.cpu)} / {formatCores(r.limits.cpu)}
            </TableCell>
            {actual && (
              <TableCell align="right">{formatCores(r.actual?.cpu)}</TableCell>
            )}
            <TableCell align="right">
              {formatBytes(r.requests.memory)} / {formatBytes(r.limits.memory)}
            </TableCell>
            {actual && (
              <TableCell align="right">
                {formatBytes(r.actual?.memory)}
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Every workload of the namespace (from its pods), requests next to actual. */
function WorkloadsTable({ usage }: { usage: EnvironmentUsage }) {
  return (
    <UsageTable
      label="usage per workload"
      columns={['Workload', 'Pods']}
      actual
      rows={(usage.workloads ?? []).map(w => ({
        key: `${w.kind}/${w.name}`,
        name: (
          <>
            <Name component={w.component} name={w.name} />{' '}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              {w.kind}
            </Typography>
          </>
        ),
        count: w.pods,
        requests: w.requests,
        limits: w.limits,
        actual: w.actual,
      }))}
    />
  );
}

/** Stagecraft's components as their releases request (when the cluster told no workloads). */
function ComponentsTable({ usage }: { usage: EnvironmentUsage }) {
  return (
    <UsageTable
      label="usage per component"
      columns={['Component', 'Replicas']}
      actual={false}
      rows={usage.components.map(c => ({
        key: c.component,
        name: <Name component={c.component} name={c.component} />,
        count: c.replicas,
        requests: c.requests,
        limits: c.limits,
      }))}
    />
  );
}

/** Bars, cost and per-workload table of one environment's usage. */
export function UsageDetails({ usage }: { usage: EnvironmentUsage }) {
  const { quota, requests, limits } = usage;
  return (
    <>
      <Grid container spacing={2}>
        {(
          [
            ['CPU', 'cpu', formatCores],
            ['Memory', 'memory', formatBytes],
          ] as const
        ).map(([title, key, format]) => (
          <Grid item xs={12} md={4} key={key}>
            <Typography variant="subtitle2">{title}</Typography>
            <UsageBar
              label={`${title} requests`}
              used={requests[key]}
              quota={quota[key]}
              format={format}
            />
            <UsageBar
              label={`${title} limits`}
              used={limits[key]}
              quota={quota[key]}
              format={format}
            />
          </Grid>
        ))}
        <Grid item xs={12} md={4}>
          <Typography variant="subtitle2">Pods</Typography>
          <UsageBar
            label="Pods"
            used={usage.pods}
            quota={quota.pods}
            format={count}
          />
        </Grid>
      </Grid>
      <Box my={1}>
        {usage.estimate ? (
          <Typography variant="body1">
            Estimated monthly cost:{' '}
            <strong>
              {formatMoney(usage.estimate.monthly, usage.estimate.currency)}
            </strong>{' '}
            requested
            {usage.estimate.actualMonthly !== undefined && (
              <>
                {' · '}
                <strong>
                  {formatMoney(
                    usage.estimate.actualMonthly,
                    usage.estimate.currency,
                  )}
                </strong>{' '}
                actual
              </>
            )}{' '}
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              (at the configured prices)
            </Typography>
          </Typography>
        ) : (
          <Typography variant="caption" color="textSecondary" display="block">
            No cost estimate: the platform has not configured prices for CPU and
            memory.
          </Typography>
        )}
        <ActualLine usage={usage} />
      </Box>
      {usage.workloads?.length ? <WorkloadsTable usage={usage} /> : null}
      {!usage.workloads?.length && usage.components.length ? (
        <ComponentsTable usage={usage} />
      ) : null}
      {!usage.workloads?.length && !usage.components.length ? (
        <Alert severity="info">
          Nothing runs in {usage.environment} yet, so nothing counts against its
          quota.
        </Alert>
      ) : null}
    </>
  );
}

/**
 * Requests, limits and actual usage against the quota, per workload, with a
 * cost estimate.
 *
 * @public
 */
export function EnvironmentUsageCard() {
  const { name, state } = useEnvironmentRead((api, env) =>
    api.getEnvironmentUsage(env),
  );
  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error)
    body = (
      <CardError error={state.error} what="the usage of this environment" />
    );
  else if (!state.value) {
    body = <NotProvisioned name={name} what="usage" />;
  } else body = <UsageDetails usage={state.value} />;
  return <InfoCard title="Resource usage">{body}</InfoCard>;
}
