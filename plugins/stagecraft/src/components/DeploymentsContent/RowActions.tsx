import Box from '@material-ui/core/Box';
import {
  ComponentActions,
  deploymentCreatePermission,
  deploymentOperatePermission,
  deploymentPromotePermission,
  deploymentRollbackPermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { PlacedDeployment, Wire } from '../../api/StagecraftApi';
import type { EnvironmentInfo } from '../common/environments';
import { PermissionButton } from '../common/PermissionButton';
import { answerOf } from '../common/useActions';
import type { DeploymentAction } from './ActionDialog';
import type { Operation } from './OperationDialog';

/**
 * Deploy, promote, roll back, restart and scale in one environment. Only a
 * deployed revision can be promoted, rolled back, restarted or scaled. Each
 * is enabled as the backend answers for this user (`actions`), with its first
 * failing reason as the tooltip; promote goes where the backend's pipeline
 * says.
 */
export function RowActions({
  env,
  deployment,
  actions,
  busy,
  onAction,
  onOperation,
}: {
  env: EnvironmentInfo;
  deployment?: PlacedDeployment;
  /** `GET /components/{ref}/actions?environment=`; undefined while asked. */
  actions?: Wire<ComponentActions> | Error;
  busy: boolean;
  onAction: (a: DeploymentAction) => void;
  onOperation: (o: Operation) => void;
}) {
  const rev = deployment?.revision;
  const deployed = !!rev;
  const answered = actions instanceof Error ? undefined : actions;
  const target =
    answered?.promotesTo ?? deployment?.promotesTo ?? env.promotesTo;
  // the permission check stands in when the backend's answer is unreadable
  const gate = (
    action: string,
    permission: typeof deploymentCreatePermission,
    resourceRef = env.name,
  ) => ({
    state: answerOf(actions, action),
    access: { permission, resourceRef },
    busy,
  });
  return (
    <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
      <PermissionButton
        {...gate('deploy', deploymentCreatePermission)}
        deniedTitle={`You may not deploy to ${env.name}`}
        label={`Deploy to ${env.name}`}
        variant="outlined"
        color="primary"
        onClick={() =>
          onAction({
            kind: 'deploy',
            environment: env.name,
            currentImage: rev?.image,
          })
        }
      >
        Deploy
      </PermissionButton>
      {deployed && (
        <PermissionButton
          {...gate('promote', deploymentPromotePermission, target ?? env.name)}
          deniedTitle={`You may not promote from ${env.name}`}
          label={
            target ? `Promote ${env.name} to ${target}` : `Promote ${env.name}`
          }
          variant="outlined"
          onClick={() =>
            target &&
            onAction({
              kind: 'promote',
              from: env.name,
              to: target,
              release: rev?.releaseId,
              image: rev?.image,
            })
          }
        >
          {target ? `Promote → ${target}` : 'Promote'}
        </PermissionButton>
      )}
      {deployed &&
        (
          [
            {
              action: 'rollback',
              permission: deploymentRollbackPermission,
              mayNot: 'roll back',
              label: 'Roll back',
              text: 'Roll back',
              onClick: () =>
                onAction({
                  kind: 'rollback',
                  environment: env.name,
                  currentRevision: rev?.revision,
                }),
            },
            {
              action: 'restart',
              permission: deploymentOperatePermission,
              mayNot: 'restart in',
              label: 'Restart in',
              text: 'Restart',
              onClick: () =>
                onOperation({ kind: 'restart', environment: env.name }),
            },
            {
              action: 'scale',
              permission: deploymentOperatePermission,
              mayNot: 'scale in',
              label: 'Scale in',
              text: 'Scale',
              onClick: () =>
                onOperation({
                  kind: 'scale',
                  environment: env.name,
                  replicas:
                    rev?.replicas ?? deployment?.status?.replicas?.desired ?? 1,
                  maxReplicas: answered?.maxReplicas,
                }),
            },
          ] as const
        ).map(b => (
          <PermissionButton
            key={b.action}
            {...gate(b.action, b.permission)}
            deniedTitle={`You may not ${b.mayNot} ${env.name}`}
            label={`${b.label} ${env.name}`}
            onClick={b.onClick}
          >
            {b.text}
          </PermissionButton>
        ))}
    </Box>
  );
}
