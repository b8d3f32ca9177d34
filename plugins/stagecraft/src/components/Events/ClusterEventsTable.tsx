import { useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { ClusterEvent } from '@stagecraft/backstage-plugin-stagecraft-common';
import { HeadRow } from '../common/HeadRow';
import { AttentionChip } from '../common/TierChip';
import { RelativeTime } from '../common/RelativeTime';
import { messageOf, statusOf } from '../common/format';
import { useClusterEvents } from './useClusterEvents';

const useStyles = makeStyles(theme => ({
  // '&&&': above the theme's striping of odd rows
  warning: {
    '&&&': {
      background:
        theme.palette.type === 'dark'
          ? 'rgba(255, 152, 0, 0.16)'
          : 'rgba(255, 152, 0, 0.12)',
      // the theme's secondary text has under 4.5:1 on the tint (WCAG AA)
      '& .MuiTypography-colorTextSecondary': {
        color:
          theme.palette.type === 'dark'
            ? theme.palette.text.secondary
            : 'rgba(0, 0, 0, 0.7)',
      },
    },
  },
  message: { wordBreak: 'break-word', minWidth: 200 },
  // a narrow card scrolls the table instead of cutting its last columns
  scroll: { overflowX: 'auto' },
  // "Warning", "FailedCreate", "×7", "2 min ago" are never broken inside a word
  nowrap: { whiteSpace: 'nowrap' },
  object: { wordBreak: 'break-word', minWidth: 140 },
}));

const COLUMNS = ['Type', 'Reason and object', 'Message', 'Count', 'Last seen'];

/** Rows shown before "Show all". */
const FIRST = 25;

/** The event rows, Warnings highlighted; the first 25 until asked for all. */
export function ClusterEventRows({ items: all }: { items: ClusterEvent[] }) {
  const classes = useStyles();
  const [everything, setEverything] = useState(false);
  const items = everything ? all : all.slice(0, FIRST);
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label="cluster events">
        <HeadRow columns={COLUMNS} />
        <TableBody>
          {items.map((e, i) => (
            <TableRow
              key={`${e.object?.kind}/${e.object?.name}/${e.reason}/${i}`}
              className={e.type === 'Warning' ? classes.warning : undefined}
              data-testid="cluster-event"
              data-type={e.type}
            >
              <TableCell className={classes.nowrap}>
                {e.type === 'Warning' ? (
                  <AttentionChip label="Warning" />
                ) : (
                  <Typography variant="body2">{e.type ?? 'Normal'}</Typography>
                )}
              </TableCell>
              <TableCell className={classes.object}>
                <Typography variant="body2" className={classes.nowrap}>
                  {e.reason}
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  {e.object?.kind}/{e.object?.name}
                </Typography>
              </TableCell>
              <TableCell className={classes.message}>{e.message}</TableCell>
              <TableCell aria-label="count" className={classes.nowrap}>
                {(e.count ?? 1) > 1 ? `×${e.count}` : '1'}
              </TableCell>
              <TableCell className={classes.nowrap}>
                <RelativeTime at={e.lastTime ?? e.firstTime} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {items.length < all.length && (
        <Button size="small" onClick={() => setEverything(true)}>
          Show all {all.length} events
        </Button>
      )}
    </div>
  );
}

/**
 * The Kubernetes events of an environment, or of one component there:
 * newest first, live, deduplicated (a repeat is a count). `action` goes into
 * the card's header (e.g. an environment picker).
 */
export function ClusterEventsView({
  environment,
  component,
  title = 'Events',
  action,
  id,
}: {
  environment?: string;
  component?: string;
  title?: string;
  action?: JSX.Element;
  /** The card's element id (what a link to the events scrolls to). */
  id?: string;
}) {
  const events = useClusterEvents(environment, component);
  let body: JSX.Element;
  if (!environment) {
    body = (
      <Typography color="textSecondary">
        No environment to show events of.
      </Typography>
    );
  } else if (events.loading) {
    body = <Progress />;
  } else if (events.error && statusOf(events.error) === 403) {
    body = (
      <Alert severity="info">
        <AlertTitle>You may not read the events of {environment}</AlertTitle>
        {messageOf(events.error)}
      </Alert>
    );
  } else {
    body = (
      <>
        {events.error && (
          <Alert
            severity="error"
            action={
              <Button color="inherit" size="small" onClick={events.retry}>
                Retry
              </Button>
            }
          >
            {statusOf(events.error) === 503
              ? `The cluster of ${environment} is unavailable: `
              : ''}
            {messageOf(events.error)}
          </Alert>
        )}
        {events.items && events.items.length > 0 && (
          <ClusterEventRows items={events.items} />
        )}
        {events.items && !events.items.length && (
          <Typography color="textSecondary">
            No Kubernetes events{component ? ' of this component' : ''} in{' '}
            {environment} (the cluster keeps them for about an hour).
          </Typography>
        )}
      </>
    );
  }
  return (
    <div id={id}>
      <InfoCard
        title={title}
        subheader={
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <span>Kubernetes events, newest first</span>
            {events.live && (
              <Chip size="small" color="primary" label="Live events" />
            )}
          </Box>
        }
        action={action}
      >
        {body}
      </InfoCard>
    </div>
  );
}
