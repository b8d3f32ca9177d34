import { Fragment } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Link from '@material-ui/core/Link';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  ApprovalRequest,
  ComponentActions,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  DriftedField,
  PlacedDeployment,
  Wire,
  WireRevision,
} from '../../api/StagecraftApi';
import { EnvironmentInfo, imageTag } from '../common/environments';
import { HealthStatus } from '../common/HealthStatus';
import { AttentionChip, TierChip } from '../common/TierChip';
import { DecisionOutcome } from '../Approvals/DecisionOutcome';
import { PendingApproval } from '../Approvals/PendingApproval';
import type { DeploymentAction } from './ActionDialog';
import type { Operation } from './OperationDialog';
import { RowActions } from './RowActions';
import type { PendingRollout } from './useLiveDeployments';
import { RelativeTime } from '../common/RelativeTime';
import { LogsButton } from '../Logs';
import { GitopsStage } from './GitopsStage';

/** Columns of the matrix (the approvals row spans them all). */
export const COLUMNS = [
  'Environment',
  'Release',
  'Health',
  'Replicas',
  'Last deploy',
  'Drift',
  'Actions',
];

function Replicas({ d }: { d: PlacedDeployment }) {
  const replicas = d.status?.replicas;
  if (!replicas) return <>—</>;
  const { desired, ready, updated } = replicas;
  const progressing =
    d.status?.phase === 'progressing' && d.environmentPhase !== 'Deleting';
  return (
    <>
      <Typography variant="body2">
        {ready ?? '?'}/{desired ?? '?'} ready
      </Typography>
      {progressing && !!desired && desired > 0 && (
        <Box minWidth={100}>
          <LinearProgress
            variant="determinate"
            value={Math.round(
              (Math.min(updated ?? 0, ready ?? 0) / desired) * 100,
            )}
            aria-label={`rollout progress in ${d.environment}`}
          />
          <Typography variant="caption">
            {updated ?? 0}/{desired} updated
          </Typography>
        </Box>
      )}
    </>
  );
}

function DriftBadge({ drift }: { drift?: DriftedField[] | Error }) {
  if (!drift) return null;
  if (drift instanceof Error) {
    return (
      <Tooltip title={drift.message}>
        <Chip size="small" variant="outlined" label="drift unknown" />
      </Tooltip>
    );
  }
  if (!drift.length) {
    return <Chip size="small" variant="outlined" label="in sync" />;
  }
  return (
    <Tooltip
      title={drift
        .map(f => `${f.object} ${f.path}: ${String(f.actual)}`)
        .join('; ')}
    >
      <AttentionChip label={`drifted (${drift.length})`} />
    </Tooltip>
  );
}

const VERBS: Partial<Record<RevisionAction, string>> = {
  deploy: 'Deploy',
  promote: 'Promotion',
  rollback: 'Rollback',
  restart: 'Restart',
  scale: 'Scaling',
};

/** What became of a rollout this page started, from the latest status. */
export function rolloutText(p: PendingRollout, d?: PlacedDeployment) {
  const verb = VERBS[p.action] ?? p.action;
  const status = d?.status;
  if (!status || status === p.baseline || status.release !== p.release) {
    return `${verb} of ${p.release} started…`;
  }
  if (status.phase === 'complete') return `${verb} of ${p.release} complete`;
  if (status.phase === 'scaled-to-zero') {
    return `${verb} of ${p.release} complete (scaled to zero)`;
  }
  if (status.phase === 'failed') {
    return `${verb} of ${p.release} failed${
      status.reason ? `: ${status.reason}` : ''
    }`;
  }
  return `${verb} of ${p.release} in progress…`;
}

function ReleaseCell({ rev }: { rev?: WireRevision }) {
  if (!rev) {
    return (
      <Typography variant="body2" color="textSecondary">
        Not deployed
      </Typography>
    );
  }
  const detail = [
    rev.releaseId,
    rev.revision !== undefined && `rev ${rev.revision}`,
  ].filter(Boolean);
  return (
    <>
      <Typography variant="body2">
        {rev.image ? imageTag(rev.image) : 'image unknown'}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {detail.join(' · ')}
      </Typography>
      <RevisionWarnings warnings={rev.warnings} />
    </>
  );
}

/**
 * What the API server warned about when this revision was written
 * (deprecated APIs, Pod Security warn/audit levels), kept on the revision.
 */
function RevisionWarnings({ warnings }: { warnings?: unknown }) {
  const items = (Array.isArray(warnings) ? warnings : []).filter(
    (w): w is string => typeof w === 'string',
  );
  if (!items.length) return null;
  const label = `${items.length} cluster warning${items.length > 1 ? 's' : ''}`;
  return (
    <Box>
      <Tooltip
        title={
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {items.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        }
      >
        <Chip
          size="small"
          variant="outlined"
          label={label}
          aria-label={`${label}: ${items.join('; ')}`}
          style={{ marginTop: 2 }}
        />
      </Tooltip>
    </Box>
  );
}

function LastDeployCell({ rev }: { rev?: WireRevision }) {
  if (!rev) return <>—</>;
  const actor = rev.actor;
  return (
    <>
      <Typography variant="body2">
        {rev.action ?? 'changed'} by{' '}
        {actor?.startsWith('user:') ? (
          <EntityRefLink entityRef={actor} />
        ) : (
          actor ?? 'someone'
        )}
      </Typography>
      <Tooltip title={rev.at ?? ''}>
        <Typography variant="caption" color="textSecondary">
          <RelativeTime at={rev.at} />
          {rev.from ? ` · from ${rev.from}` : ''}
        </Typography>
      </Tooltip>
    </>
  );
}

/** One environment of the matrix, and the approvals waiting there. */
export function DeploymentRow({
  componentRef,
  onShowEvents,
  env,
  actions,
  deployment: d,
  pending,
  drift,
  waiting,
  outcome,
  busy,
  onAction,
  onOperation,
  onDecided,
  onOutcomeClosed,
}: {
  componentRef: string;
  /** Shows the events card for this environment (a failed rollout's "why"). */
  onShowEvents: (environment: string) => void;
  env: EnvironmentInfo;
  /** What the user may do here, and why not (the backend's answer). */
  actions?: Wire<ComponentActions> | Error;
  deployment?: PlacedDeployment;
  pending?: PendingRollout;
  drift?: DriftedField[] | Error;
  waiting: ApprovalRequest[];
  outcome?: ApprovalRequest;
  busy: boolean;
  onAction: (a: DeploymentAction) => void;
  onOperation: (o: Operation) => void;
  onDecided: (r: ApprovalRequest) => void;
  onOutcomeClosed: () => void;
}) {
  const status = d?.status;
  return (
    <Fragment>
      <TableRow data-testid={`env-${env.name}`}>
        <TableCell>
          {env.entity ? (
            <EntityRefLink entityRef={`environment:default/${env.name}`}>
              {env.name}
            </EntityRefLink>
          ) : (
            env.name
          )}
          <Box>
            <TierChip tier={env.tier} />
          </Box>
        </TableCell>
        <TableCell>
          <ReleaseCell rev={d?.revision} />
        </TableCell>
        <TableCell>
          {d ? (
            <HealthStatus
              status={status}
              environmentPhase={d.environmentPhase}
            />
          ) : (
            '—'
          )}
          <GitopsStage gitops={d?.gitops} />
          {status?.message && status.phase === 'failed' && (
            <Typography variant="caption" display="block">
              {status.message}
            </Typography>
          )}
          {pending && (
            <Typography variant="caption" display="block" role="status">
              {rolloutText(pending, d)}
            </Typography>
          )}
          {(status?.phase === 'failed' ||
            (status?.reason && status.phase !== 'complete')) && (
            <Link
              component="button"
              variant="caption"
              onClick={() => onShowEvents(env.name)}
            >
              Why? Events in {env.name}
            </Link>
          )}
        </TableCell>
        <TableCell>{d ? <Replicas d={d} /> : '—'}</TableCell>
        <TableCell>
          <LastDeployCell rev={d?.revision} />
        </TableCell>
        <TableCell>
          <DriftBadge drift={drift} />
        </TableCell>
        <TableCell>
          <RowActions
            env={env}
            actions={actions}
            deployment={d}
            busy={busy}
            onAction={onAction}
            onOperation={onOperation}
          />
          {d?.revision && (
            <Box mt={1}>
              <LogsButton componentRef={componentRef} environment={env.name} />
            </Box>
          )}
        </TableCell>
      </TableRow>
      {(waiting.length > 0 || outcome) && (
        <TableRow data-testid={`approvals-${env.name}`}>
          <TableCell colSpan={COLUMNS.length} style={{ paddingTop: 0 }}>
            {outcome && (
              <DecisionOutcome request={outcome} onClose={onOutcomeClosed} />
            )}
            {waiting.map(r => (
              <PendingApproval key={r.id} request={r} onDecided={onDecided} />
            ))}
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}
