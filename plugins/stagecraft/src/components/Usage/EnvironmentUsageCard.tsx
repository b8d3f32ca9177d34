import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import type { EnvironmentUsage } from '@stagecraft/backstage-plugin-stagecraft-common';
import { stagecraftApiRef } from '../../api/StagecraftApi';
import { CardError } from '../common/ErrorAlert';
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

/** Every workload of the namespace (from its pods), requests next to actual. */
function WorkloadsTable({ usage }: { usage: EnvironmentUsage }) {
  return (
    <Table size="small" aria-label="usage per workload">
      <TableHead>
        <TableRow>
          <TableCell>Workload</TableCell>
          <TableCell align="right">Pods</TableCell>
          <TableCell align="right">CPU requests / limits</TableCell>
          <TableCell align="right">CPU actual</TableCell>
          <TableCell align="right">Memory requests / limits</TableCell>
          <TableCell align="right">Memory actual</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {(usage.workloads ?? []).map(w => (
          <TableRow key={`${w.kind}/${w.name}`}>
            <TableCell>
              <Name component={w.component} name={w.name} />{' '}
              <Typography
                variant="caption"
                color="textSecondary"
                component="span"
              >
                {w.kind}
              </Typography>
            </TableCell>
            <TableCell align="right">{w.pods}</TableCell>
            <TableCell align="right">
              {formatCores(w.requests.cpu)} / {formatCores(w.limits.cpu)}
            </TableCell>
            <TableCell align="right">{formatCores(w.actual?.cpu)}</TableCell>
            <TableCell align="right">
              {formatBytes(w.requests.memory)} / {formatBytes(w.limits.memory)}
            </TableCell>
            <TableCell align="right">{formatBytes(w.actual?.memory)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Stagecraft's components as their releases request (when the cluster told no workloads). */
function ComponentsTable({ usage }: { usage: EnvironmentUsage }) {
  return (
    <Table size="small" aria-label="usage per component">
      <TableHead>
        <TableRow>
          <TableCell>Component</TableCell>
          <TableCell align="right">Replicas</TableCell>
          <TableCell align="right">CPU requests / limits</TableCell>
          <TableCell align="right">Memory requests / limits</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {usage.components.map(c => (
          <TableRow key={c.component}>
            <TableCell>
              <Name component={c.component} name={c.component} />
            </TableCell>
            <TableCell align="right">{c.replicas}</TableCell>
            <TableCell align="right">
              {formatCores(c.requests.cpu)} / {formatCores(c.limits.cpu)}
            </TableCell>
            <TableCell align="right">
              {formatBytes(c.requests.memory)} / {formatBytes(c.limits.memory)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
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
  const { entity } = useEntity();
  const api = useApi(stagecraftApiRef);
  const name = entity.metadata.name;
  const state = useAsync(() => api.getEnvironmentUsage(name), [api, name]);
  let body: JSX.Element;
  if (state.loading) body = <Progress />;
  else if (state.error)
    body = (
      <CardError error={state.error} what="the usage of this environment" />
    );
  else if (!state.value) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {name} is not provisioned yet, so it has no usage. Provision it with the
        Provision button of the Environment card.
      </Typography>
    );
  } else body = <UsageDetails usage={state.value} />;
  return <InfoCard title="Resource usage">{body}</InfoCard>;
}
