import Box from '@material-ui/core/Box';
import {
  deploymentCreatePermission,
  deploymentOperatePermission,
  deploymentPromotePermission,
  deploymentRollbackPermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type { PlacedDeployment } from '../../api/StagecraftApi';
import type { EnvironmentInfo } from '../common/environments';
import { PermissionButton } from '../common/PermissionButton';
import type { DeploymentAction } from './ActionDialog';
import type { Operation } from './OperationDialog';

/**
 * Deploy, promote, roll back, restart and scale in one environment. Only a
 * deployed revision can be promoted, rolled back, restarted or scaled.
 */
export function RowActions({
  env,
  next,
  deployment,
  busy,
  onAction,
  onOperation,
}: {
  env: EnvironmentInfo;
  next?: EnvironmentInfo;
  deployment?: PlacedDeployment;
  busy: boolean;
  onAction: (a: DeploymentAction) => void;
  onOperation: (o: Operation) => void;
}) {
  const rev = deployment?.revision;
  const deployed = !!rev;
  const operate = {
    access: { permission: deploymentOperatePermission, resourceRef: env.name },
    deniedTitle: `You may not restart or scale in ${env.name}`,
    busy,
  };
  return (
    <Box display="flex" style={{ gap: 8 }} flexWrap="wrap">
      <PermissionButton
        access={{
          permission: deploymentCreatePermission,
          resourceRef: env.name,
        }}
        deniedTitle={`You may not deploy to ${env.name}`}
        label={`Deploy to ${env.name}`}
        busy={busy}
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
      {next && deployed && (
        <PermissionButton
          access={{
            permission: deploymentPromotePermission,
            resourceRef: next.name,
          }}
          deniedTitle={`You may not promote to ${next.name}`}
          label={`Promote ${env.name} to ${next.name}`}
          busy={busy}
          variant="outlined"
          onClick={() =>
            onAction({
              kind: 'promote',
              from: env.name,
              to: next.name,
              release: rev?.releaseId,
              image: rev?.image,
            })
          }
        >
          Promote → {next.name}
        </PermissionButton>
      )}
      {deployed && (
        <PermissionButton
          access={{
            permission: deploymentRollbackPermission,
            resourceRef: env.name,
          }}
          deniedTitle={`You may not roll back ${env.name}`}
          label={`Roll back ${env.name}`}
          busy={busy}
          onClick={() =>
            onAction({
              kind: 'rollback',
              environment: env.name,
              currentRevision: rev?.revision,
            })
          }
        >
          Roll back
        </PermissionButton>
      )}
      {deployed && (
        <PermissionButton
          {...operate}
          label={`Restart in ${env.name}`}
          onClick={() =>
            onOperation({ kind: 'restart', environment: env.name })
          }
        >
          Restart
        </PermissionButton>
      )}
      {deployed && (
        <PermissionButton
          {...operate}
          label={`Scale in ${env.name}`}
          onClick={() =>
            onOperation({
              kind: 'scale',
              environment: env.name,
              replicas:
                rev?.replicas ?? deployment?.status?.replicas?.desired ?? 1,
            })
          }
        >
          Scale
        </PermissionButton>
      )}
    </Box>
  );
}
