import { useEffect, useMemo, useRef, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Tooltip from '@material-ui/core/Tooltip';
import type {
  ApprovalRequest,
  DeployResult,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { orderByPipeline } from '../common/environments';
import { useEnvironments } from '../common/useEnvironments';
import { HeadRow } from '../common/HeadRow';
import { AttentionChip } from '../common/TierChip';
import { useComponentActions } from '../common/useActions';
import { ClusterProblems } from '../common/ClusterProblems';
import { useClusterProblems } from '../common/useClusterHealth';
import { messageOf } from '../common/format';
import { useApprovals } from '../Approvals/useApprovals';
import { COMPONENT_EVENTS_ID, ComponentEventsCard } from '../Events';
import { ActionDialog, DeploymentAction, targetOf } from './ActionDialog';
import { Operation, OperationDialog } from './OperationDialog';
import { COLUMNS, DeploymentRow } from './DeploymentRow';
import {
  PendingRollout,
  useDrift,
  useLiveDeployments,
} from './useLiveDeployments';

function StreamChips({
  stream,
  approvalsError,
  waiting,
}: {
  stream: 'connecting' | 'live' | Error;
  approvalsError?: Error;
  waiting: number;
}) {
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <span>Environments in pipeline order</span>
      {stream === 'live' && <Chip size="small" color="primary" label="Live" />}
      {stream instanceof Error && (
        <Tooltip title={stream.message}>
          <Chip size="small" label="Live updates reconnecting…" />
        </Tooltip>
      )}
      {approvalsError && (
        <Tooltip title={messageOf(approvalsError)}>
          <Chip size="small" label="Pending approvals unknown" />
        </Tooltip>
      )}
      {waiting > 0 && (
        <AttentionChip label={`${waiting} waiting for approval`} />
      )}
    </Box>
  );
}

/** The matrix: environments of the component's system in pipeline order. */
export function DeploymentsMatrix({
  componentRef,
  system,
}: {
  componentRef: string;
  system?: string;
}) {
  const environments = useEnvironments();
  const approvals = useApprovals({ component: componentRef });
  const { initial, deployments, stream, patch } = useLiveDeployments(
    componentRef,
    approvals.upsert,
  );
  const drift = useDrift(componentRef, deployments);
  const [action, setAction] = useState<DeploymentAction>();
  const [operation, setOperation] = useState<Operation>();
  const [pending, setPending] = useState<Record<string, PendingRollout>>({});
  const [decided, setDecided] = useState<Record<string, ApprovalRequest>>({});
  const [eventsOf, setEventsOf] = useState<string>();
  const approvalsByEnv = useMemo(() => {
    const out: Record<string, ApprovalRequest[]> = {};
    for (const r of approvals.items) (out[r.environment] ??= []).push(r);
    return out;
  }, [approvals.items]);

  // a new revision where a request waited: someone may have decided it elsewhere
  const { reload: reloadApprovals } = approvals;
  const seenRevisions = useRef<Record<string, number>>({});
  useEffect(() => {
    const now: Record<string, number> = {};
    for (const env of Object.keys(approvalsByEnv)) {
      now[env] = deployments[env]?.revision?.revision ?? 0;
    }
    const before = seenRevisions.current;
    seenRevisions.current = now;
    if (
      Object.entries(now).some(([env, n]) => env in before && before[env] !== n)
    ) {
      reloadApprovals();
    }
  }, [approvalsByEnv, deployments, reloadApprovals]);

  const rows = useMemo(() => {
    const all = environments.value ?? [];
    const mine = all.filter(
      e =>
        (system && e.system === system) ||
        deployments[e.name] ||
        approvals.items.some(r => r.environment === e.name),
    );
    // deployed somewhere the catalog does not know (yet)
    for (const d of Object.values(deployments)) {
      if (!all.some(e => e.name === d.environment)) {
        mine.push({ name: d.environment, tier: d.tier ?? '' });
      }
    }
    return orderByPipeline(mine);
  }, [environments.value, deployments, system, approvals.items]);

  // asked again on every new revision, phase or request there
  const actionsVersion = rows
    .map(
      r =>
        `${r.name}:${deployments[r.name]?.revision?.revision ?? '-'}:${
          deployments[r.name]?.status?.phase ?? '-'
        }:${(approvalsByEnv[r.name] ?? []).map(a => a.id).join('+')}`,
    )
    .join(',');
  const actions = useComponentActions(
    componentRef,
    rows.map(r => r.name),
    actionsVersion,
  );

  const clusters = rows.map(r => r.cluster).filter((c): c is string => !!c);
  const health = useClusterProblems(clusters);
  const lastStatusAt = Object.values(deployments)
    .map(d => d.status?.observedAt)
    .filter((t): t is string => !!t)
    .sort()
    .pop();

  const follow = (env: string, kind: RevisionAction, result: DeployResult) => {
    const current = deployments[env];
    const release =
      result.release?.id ?? result.revision?.releaseId ?? 'the release';
    setPending(p => ({
      ...p,
      [env]: {
        action: kind,
        release,
        revision: result.revision?.revision,
        baseline: current?.status,
      },
    }));
    if (result.revision) {
      patch({
        environment: env,
        tier: current?.tier ?? rows.find(r => r.name === env)?.tier ?? '',
        revision: result.revision,
        status: current?.status ?? {
          phase: 'progressing',
          replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
          pods: { total: 0, running: 0, pending: 0, failed: 0, ready: 0 },
        },
      });
    }
  };
  const onDone = (a: DeploymentAction, result: DeployResult) => {
    setAction(undefined);
    follow(targetOf(a), a.kind, result);
  };
  const onOperationDone = (o: Operation, result: DeployResult) => {
    setOperation(undefined);
    follow(o.environment, o.kind, result);
  };
  const onDecided = (result: ApprovalRequest) => {
    approvals.upsert(result);
    setDecided(d => ({ ...d, [result.environment]: result }));
    if (result.state === 'executed') {
      // the rollout arrives on the event stream like any other
      setPending(p => ({
        ...p,
        [result.environment]: {
          action: result.action,
          release: result.releaseId,
          revision: result.revision,
          baseline: deployments[result.environment]?.status,
        },
      }));
    }
  };
  const closeOutcome = (env: string) =>
    setDecided(o => {
      const { [env]: _, ...rest } = o;
      return rest;
    });

  // the events card shows the environment picked, else the first one failing
  const eventsEnv =
    eventsOf ??
    rows.find(r => deployments[r.name]?.status?.phase === 'failed')?.name ??
    rows.find(r => deployments[r.name])?.name ??
    rows[0]?.name;
  const showEvents = (env: string) => {
    setEventsOf(env);
    document
      .getElementById(COMPONENT_EVENTS_ID)
      ?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  };

  if (environments.loading || initial.loading) return <Progress />;
  if (environments.error) {
    return <ResponseErrorPanel error={environments.error} />;
  }
  if (initial.error) return <ResponseErrorPanel error={initial.error} />;

  if (!rows.length) {
    return (
      <EmptyState
        missing="data"
        title="No environments for this component yet"
        description={
          system
            ? `No Environment belongs to ${system}. Create one (dev, staging, production) with the Stagecraft environment template or POST /api/stagecraft/environments, with "system" set to ${system}; it appears here within seconds.`
            : 'This component has no spec.system, so Stagecraft cannot tell which environments it belongs in. Set spec.system in its catalog-info.yaml to the system its environments belong to.'
        }
      />
    );
  }

  return (
    <>
      <ClusterProblems problems={health.problems} lastStatusAt={lastStatusAt} />
      <InfoCard
        title="Deployments"
        subheader={
          <StreamChips
            stream={stream}
            approvalsError={approvals.error}
            waiting={approvals.items.length}
          />
        }
      >
        <Table size="small" aria-label="deployments">
          <HeadRow columns={COLUMNS} />
          <TableBody>
            {rows.map(env => (
              <DeploymentRow
                key={env.name}
                componentRef={componentRef}
                onShowEvents={showEvents}
                env={env}
                actions={actions[env.name]}
                deployment={deployments[env.name]}
                pending={pending[env.name]}
                drift={drift[env.name]}
                waiting={approvalsByEnv[env.name] ?? []}
                outcome={decided[env.name]}
                busy={!!action || !!operation}
                onAction={setAction}
                onOperation={setOperation}
                onDecided={onDecided}
                onOutcomeClosed={() => closeOutcome(env.name)}
              />
            ))}
          </TableBody>
        </Table>
      </InfoCard>
      <Box mt={3}>
        <ComponentEventsCard
          componentRef={componentRef}
          environments={rows.map(r => r.name)}
          environment={eventsEnv}
          onEnvironment={setEventsOf}
        />
      </Box>
      {action && (
        <ActionDialog
          componentRef={componentRef}
          action={action}
          onClose={() => setAction(undefined)}
          onDone={onDone}
          onRequested={approvals.upsert}
        />
      )}
      {operation && (
        <OperationDialog
          componentRef={componentRef}
          operation={operation}
          onClose={() => setOperation(undefined)}
          onDone={onOperationDone}
        />
      )}
    </>
  );
}
