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

/** Bars, cost and per-component table of one environment's usage. */
export function UsageDetails({ usage }: { usage: EnvironmentUsage }) {
  const { quota, requests, limits } = usage;
  return (
    <>
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          <Typography variant="subtitle2">CPU</Typography>
          <UsageBar
            label="CPU requests"
            used={requests.cpu}
            quota={quota.cpu}
            format={formatCores}
          />
          <UsageBar
            label="CPU limits"
            used={limits.cpu}
            quota={quota.cpu}
            format={formatCores}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Typography variant="subtitle2">Memory</Typography>
          <UsageBar
            label="Memory requests"
            used={requests.memory}
            quota={quota.memory}
            format={formatBytes}
          />
          <UsageBar
            label="Memory limits"
            used={limits.memory}
            quota={quota.memory}
            format={formatBytes}
          />
        </Grid>
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
            <Typography
              variant="caption"
              color="textSecondary"
              component="span"
            >
              (from the requests, at the configured prices)
            </Typography>
          </Typography>
        ) : (
          <Typography variant="caption" color="textSecondary" display="block">
            No cost estimate: the platform has not configured prices for CPU and
            memory.
          </Typography>
        )}
        {usage.actual ? (
          <Typography variant="body2">
            Actual usage: {formatCores(usage.actual.cpu)} CPU ·{' '}
            {formatBytes(usage.actual.memory)} memory
          </Typography>
        ) : (
          <Typography variant="caption" color="textSecondary" display="block">
            Actual usage needs metrics-server, which this cluster does not
            offer; these are the requests and limits of what runs here.
          </Typography>
        )}
      </Box>
      {usage.components.length ? (
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
                  {c.component.includes(':') ? (
                    <EntityRefLink entityRef={c.component} />
                  ) : (
                    c.component
                  )}
                </TableCell>
                <TableCell align="right">{c.replicas}</TableCell>
                <TableCell align="right">
                  {formatCores(c.requests.cpu)} / {formatCores(c.limits.cpu)}
                </TableCell>
                <TableCell align="right">
                  {formatBytes(c.requests.memory)} /{' '}
                  {formatBytes(c.limits.memory)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Alert severity="info">
          Nothing runs in {usage.environment} yet, so nothing counts against its
          quota.
        </Alert>
      )}
    </>
  );
}

/** Requests and limits against the quota, per component, with a cost estimate. */
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
        No usage to show: {name} is not provisioned by Stagecraft (or this
        backend has no usage endpoint yet).
      </Typography>
    );
  } else body = <UsageDetails usage={state.value} />;
  return <InfoCard title="Resource usage">{body}</InfoCard>;
}
