import {
  Fragment,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  ANNOTATIONS,
  ApprovalRequest,
  deploymentCreatePermission,
  deploymentOperatePermission,
  deploymentPromotePermission,
  deploymentRollbackPermission,
  DeployResult,
  EnvironmentDeployment,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { DriftedField, stagecraftApiRef } from '../../api/StagecraftApi';
import {
  EnvironmentInfo,
  fullRef,
  imageTag,
  orderByPipeline,
  relativeTime,
} from '../common/environments';
import { useEnvironments } from '../common/useEnvironments';
import { HealthStatus } from '../common/HealthStatus';
import { ClusterProblems } from '../common/ClusterProblems';
import { useClusterProblems } from '../common/useClusterHealth';
import { ActionDialog, DeploymentAction, targetOf } from './ActionDialog';
import { Operation, OperationDialog } from './OperationDialog';
import { DecisionOutcome } from '../Approvals/DecisionOutcome';
import { PendingApproval } from '../Approvals/PendingApproval';
import { useApprovals } from '../Approvals/useApprovals';
import { messageOf } from '../common/format';

/** A rollout this page started and follows until the cluster reports its end. */
interface PendingRollout {
  action: RevisionAction;
  release: string;
  revision?: number;
  /**
   * The status when it started: a restart or scale keeps the release, so
   * only a newer status tells that the cluster took it up.
   */
  baseline?: EnvironmentDeployment['status'];
}

const WORKLOAD_EXAMPLE = `# stagecraft.yaml, next to catalog-info.yaml
apiVersion: score.dev/v1b1
metadata:
  name: my-service
containers:
  main:
    image: ghcr.io/acme/my-service:1.0.0
service:
  ports:
    http: { port: 80, targetPort: 8080 }

# catalog-info.yaml
metadata:
  annotations:
    stagecraft.io/workload: ./stagecraft.yaml`;

/** Shown on a component without a workload spec: how to add one. */
export function NoWorkloadEmptyState() {
  return (
    <EmptyState
      missing="field"
      title="No workload spec yet"
      description="Stagecraft deploys a component from its Score workload spec. Add a stagecraft.yaml (or score.yaml) next to catalog-info.yaml and point the stagecraft.io/workload annotation at it; the environments of the component's system then appear here."
      action={<CodeSnippet language="yaml" text={WORKLOAD_EXAMPLE} />}
    />
  );
}

function DeniedTooltip({
  denied,
  title,
  children,
}: {
  denied: boolean;
  title: string;
  children: JSX.Element;
}) {
  if (!denied) return children;
  return (
    <Tooltip title={title}>
      <span>{children}</span>
    </Tooltip>
  );
}

function RowActions({
  env,
  next,
  deployment,
  busy,
  onAction,
  onOperation,
}: {
  env: EnvironmentInfo;
  next?: EnvironmentInfo;
  deployment?: EnvironmentDeployment;
  busy: boolean;
  onAction: (a: DeploymentAction) => void;
  onOperation: (o: Operation) => void;
}) {
  const canDeploy = usePermission({
    permission: deploymentCreatePermission,
    resourceRef: env.name,
  });
  const canPromote = usePermission({
    permission: deploymentPromotePermission,
    resourceRef: next?.name,
  });
  const canRollback = usePermission({
    permission: deploymentRollbackPermission,
    resourceRef: env.name,
  });
  const canOperate = usePermission({
    permission: deploymentOperatePermission,
    resourceRef: env.name,
  });
  const operateDenied = !canOperate.loading && !canOperate.allowed;
  const deployed = !!deployment?.revision;
  return (
    <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
      <DeniedTooltip
        denied={!canDeploy.loading && !canDeploy.allowed}
        title={`You may not deploy to ${env.name}`}
      >
        <Button
          size="small"
          variant="outlined"
          color="primary"
          disabled={busy || !canDeploy.allowed}
          aria-label={`Deploy to ${env.name}`}
          onClick={() =>
            onAction({
              kind: 'deploy',
              environment: env.name,
              currentImage: deployment?.revision?.image,
            })
          }
        >
          Deploy
        </Button>
      </DeniedTooltip>
      {next && deployed && (
        <DeniedTooltip
          denied={!canPromote.loading && !canPromote.allowed}
          title={`You may not promote to ${next.name}`}
        >
          <Button
            size="small"
            variant="outlined"
            disabled={busy || !canPromote.allowed}
            aria-label={`Promote ${env.name} to ${next.name}`}
            onClick={() =>
              onAction({
                kind: 'promote',
                from: env.name,
                to: next.name,
                release: deployment?.revision?.releaseId,
                image: deployment?.revision?.image,
              })
            }
          >
            Promote → {next.name}
          </Button>
        </DeniedTooltip>
      )}
      {deployed && (
        <DeniedTooltip
          denied={!canRollback.loading && !canRollback.allowed}
          title={`You may not roll back ${env.name}`}
        >
          <Button
            size="small"
            disabled={busy || !canRollback.allowed}
            aria-label={`Roll back ${env.name}`}
            onClick={() =>
              onAction({
                kind: 'rollback',
                environment: env.name,
                currentRevision: deployment?.revision?.revision,
              })
            }
          >
            Roll back
          </Button>
        </DeniedTooltip>
      )}
      {deployed && (
        <DeniedTooltip
          denied={operateDenied}
          title={`You may not restart or scale in ${env.name}`}
        >
          <Button
            size="small"
            disabled={busy || !canOperate.allowed}
            aria-label={`Restart in ${env.name}`}
            onClick={() =>
              onOperation({ kind: 'restart', environment: env.name })
            }
          >
            Restart
          </Button>
        </DeniedTooltip>
      )}
      {deployed && (
        <DeniedTooltip
          denied={operateDenied}
          title={`You may not restart or scale in ${env.name}`}
        >
          <Button
            size="small"
            disabled={busy || !canOperate.allowed}
            aria-label={`Scale in ${env.name}`}
            onClick={() =>
              onOperation({
                kind: 'scale',
                environment: env.name,
                replicas:
                  deployment?.revision?.replicas ??
                  deployment?.status.replicas.desired ??
                  1,
              })
            }
          >
            Scale
          </Button>
        </DeniedTooltip>
      )}
    </Box>
  );
}

function Replicas({ d }: { d: EnvironmentDeployment }) {
  const { desired, ready, updated } = d.status.replicas;
  const progressing = d.status.phase === 'progressing';
  return (
    <>
      <Typography variant="body2">
        {ready}/{desired} ready
      </Typography>
      {progressing && desired > 0 && (
        <Box minWidth={100}>
          <LinearProgress
            variant="determinate"
            value={Math.round((Math.min(updated, ready) / desired) * 100)}
            aria-label={`rollout progress in ${d.environment}`}
          />
          <Typography variant="caption">
            {updated}/{desired} updated
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
      <Chip
        size="small"
        color="secondary"
        label={`drifted (${drift.length})`}
      />
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

function rolloutText(p: PendingRollout, d?: EnvironmentDeployment) {
  const verb = VERBS[p.action] ?? p.action;
  if (!d || d.status === p.baseline || d.status.release !== p.release) {
    return `${verb} of ${p.release} started…`;
  }
  if (d.status.phase === 'complete') return `${verb} of ${p.release} complete`;
  if (d.status.phase === 'scaled-to-zero') {
    return `${verb} of ${p.release} complete (scaled to zero)`;
  }
  if (d.status.phase === 'failed') {
    return `${verb} of ${p.release} failed${
      d.status.reason ? `: ${d.status.reason}` : ''
    }`;
  }
  return `${verb} of ${p.release} in progress…`;
}

/** Live map of environment → deployment: a first GET, then the SSE stream. */
function useLiveDeployments(
  componentRef: string,
  onApproval?: (request: ApprovalRequest) => void,
) {
  const approvalListener = useRef(onApproval);
  approvalListener.current = onApproval;
  const api = useApi(stagecraftApiRef);
  const initial = useAsyncRetry(
    () => api.getDeployments(componentRef),
    [api, componentRef],
  );
  const [live, setLive] = useState<Record<string, EnvironmentDeployment>>({});
  const [stream, setStream] = useState<'connecting' | 'live' | Error>(
    'connecting',
  );
  useEffect(() => {
    setLive({});
    return api.watchDeployments(componentRef, {
      onStatus: d => setLive(prev => ({ ...prev, [d.environment]: d })),
      onApproval: r => approvalListener.current?.(r),
      onOpen: () => setStream('live'),
      onError: e => setStream(e),
    });
  }, [api, componentRef]);
  const merged = useMemo(() => {
    const out: Record<string, EnvironmentDeployment> = {};
    for (const d of initial.value ?? []) out[d.environment] = d;
    return { ...out, ...live };
  }, [initial.value, live]);
  const patch = useCallback(
    (d: EnvironmentDeployment) =>
      setLive(prev => ({ ...prev, [d.environment]: d })),
    [],
  );
  return { initial, deployments: merged, stream, patch };
}

function useDrift(
  componentRef: string,
  deployments: Record<string, EnvironmentDeployment>,
) {
  const api = useApi(stagecraftApiRef);
  const [drift, setDrift] = useState<Record<string, DriftedField[] | Error>>(
    {},
  );
  // once per (environment, revision, settled phase): no polling
  const keys = Object.values(deployments)
    .filter(d => d.revision && d.status.phase !== 'progressing')
    .map(d => `${d.environment}@${d.revision!.revision}`)
    .sort()
    .join(',');
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const key of keys ? keys.split(',') : []) {
      if (requested.current.has(key)) continue;
      requested.current.add(key);
      const env = key.split('@')[0];
      api.getDrift(componentRef, env).then(
        items => setDrift(p => ({ ...p, [env]: items })),
        e => setDrift(p => ({ ...p, [env]: e })),
      );
    }
  }, [api, componentRef, keys]);
  return drift;
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
        mine.push({ name: d.environment, tier: d.tier });
      }
    }
    return orderByPipeline(mine);
  }, [environments.value, deployments, system, approvals.items]);

  const clusters = rows.map(r => r.cluster).filter((c): c is string => !!c);
  const health = useClusterProblems(clusters);
  const lastStatusAt = Object.values(deployments)
    .map(d => d.status.observedAt)
    .filter((t): t is string => !!t)
    .sort()
    .pop();

  const follow = (env: string, kind: RevisionAction, result: DeployResult) => {
    const current = deployments[env];
    setPending(p => ({
      ...p,
      [env]: {
        action: kind,
        release: result.release.id,
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
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <span>Environments in pipeline order</span>
            {stream === 'live' && (
              <Chip size="small" color="primary" label="Live" />
            )}
            {stream instanceof Error && (
              <Tooltip title={stream.message}>
                <Chip size="small" label="Live updates reconnecting…" />
              </Tooltip>
            )}
            {approvals.error && (
              <Tooltip title={messageOf(approvals.error)}>
                <Chip size="small" label="Pending approvals unknown" />
              </Tooltip>
            )}
            {approvals.items.length > 0 && (
              <Chip
                size="small"
                color="secondary"
                label={`${approvals.items.length} waiting for approval`}
              />
            )}
          </Box>
        }
      >
        <Table size="small" aria-label="deployments">
          <TableHead>
            <TableRow>
              <TableCell>Environment</TableCell>
              <TableCell>Release</TableCell>
              <TableCell>Health</TableCell>
              <TableCell>Replicas</TableCell>
              <TableCell>Last deploy</TableCell>
              <TableCell>Drift</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(env => {
              const d = deployments[env.name];
              const rev = d?.revision;
              const next = rows.find(r => r.name === env.promotesTo);
              const p = pending[env.name];
              const waiting = approvalsByEnv[env.name] ?? [];
              const outcome = decided[env.name];
              return (
                <Fragment key={env.name}>
                  <TableRow data-testid={`env-${env.name}`}>
                    <TableCell>
                      {env.entity ? (
                        <EntityRefLink
                          entityRef={`environment:default/${env.name}`}
                        >
                          {env.name}
                        </EntityRefLink>
                      ) : (
                        env.name
                      )}
                      <Box>
                        <Chip
                          size="small"
                          label={env.tier}
                          color={
                            env.tier === 'production' ? 'secondary' : 'default'
                          }
                        />
                      </Box>
                    </TableCell>
                    <TableCell>
                      {rev ? (
                        <>
                          <Typography variant="body2">
                            {imageTag(rev.image)}
                          </Typography>
                          <Typography variant="caption" color="textSecondary">
                            {rev.releaseId} · rev {rev.revision}
                          </Typography>
                        </>
                      ) : (
                        <Typography variant="body2" color="textSecondary">
                          Not deployed
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>
                      {d ? <HealthStatus status={d.status} /> : '—'}
                      {d?.status.message && d.status.phase === 'failed' && (
                        <Typography variant="caption" display="block">
                          {d.status.message}
                        </Typography>
                      )}
                      {p && (
                        <Typography
                          variant="caption"
                          display="block"
                          role="status"
                        >
                          {rolloutText(p, d)}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell>{d ? <Replicas d={d} /> : '—'}</TableCell>
                    <TableCell>
                      {rev ? (
                        <>
                          <Typography variant="body2">
                            {rev.action} by{' '}
                            {rev.actor.startsWith('user:') ? (
                              <EntityRefLink entityRef={rev.actor} />
                            ) : (
                              rev.actor
                            )}
                          </Typography>
                          <Tooltip title={rev.at}>
                            <Typography variant="caption" color="textSecondary">
                              {relativeTime(rev.at)}
                              {rev.from ? ` · from ${rev.from}` : ''}
                            </Typography>
                          </Tooltip>
                        </>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell>
                      <DriftBadge drift={drift[env.name]} />
                    </TableCell>
                    <TableCell>
                      <RowActions
                        env={env}
                        next={next}
                        deployment={d}
                        busy={!!action || !!operation}
                        onAction={setAction}
                        onOperation={setOperation}
                      />
                    </TableCell>
                  </TableRow>
                  {(waiting.length > 0 || outcome) && (
                    <TableRow data-testid={`approvals-${env.name}`}>
                      <TableCell colSpan={7} style={{ paddingTop: 0 }}>
                        {outcome && (
                          <DecisionOutcome
                            request={outcome}
                            onClose={() =>
                              setDecided(o => {
                                const { [env.name]: _, ...rest } = o;
                                return rest;
                              })
                            }
                          />
                        )}
                        {waiting.map(r => (
                          <PendingApproval
                            key={r.id}
                            request={r}
                            onDecided={onDecided}
                          />
                        ))}
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              );
            })}
          </TableBody>
        </Table>
      </InfoCard>
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

/** Entity content "Deployments" of a Component. @public */
export function DeploymentsContent() {
  const { entity } = useEntity();
  const workload = entity.metadata.annotations?.[ANNOTATIONS.workload];
  if (!workload) return <NoWorkloadEmptyState />;
  return (
    <DeploymentsMatrix
      componentRef={stringifyEntityRef(entity)}
      system={fullRef(
        (entity.spec as { system?: string } | undefined)?.system,
        'system',
      )}
    />
  );
}
