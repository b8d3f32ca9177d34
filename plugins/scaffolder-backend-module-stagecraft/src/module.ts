import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  StagecraftClient,
  stagecraftClientServiceRef,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import { createClusterCheckAction } from './actions/clusterCheck';
import { createEnvironmentCreateAction } from './actions/environmentCreate';
import { createEnvironmentDeleteAction } from './actions/environmentDelete';
import { createDeployAction } from './actions/deploy';
import { createConfigSetAction } from './actions/configSet';
import { createPromoteAction } from './actions/promote';
import { createRollbackAction } from './actions/rollback';
import { createWaitAction } from './actions/wait';
import { createStagecraftApplyAction } from './actions/apply';
import { createPublishLocalAction } from './actions/publishLocal';
import { createTeardownAction } from './actions/teardown';

/**
 * Every Stagecraft scaffolder action, for a client (the module registers
 * them; tests and other modules can build the same set).
 *
 * @public
 */
export function createStagecraftActions(options: {
  client: StagecraftClient;
  /** Also register the deprecated `kubernetes:apply` alias of `stagecraft:apply`. */
  kubernetesApplyAlias?: boolean;
}) {
  const { client } = options;
  return [
    createClusterCheckAction({ client }),
    createEnvironmentCreateAction({ client }),
    createEnvironmentDeleteAction({ client }),
    createDeployAction({ client }),
    createPromoteAction({ client }),
    createRollbackAction({ client }),
    createConfigSetAction({ client }),
    createWaitAction({ client }),
    createStagecraftApplyAction({ client }),
    ...(options.kubernetesApplyAlias
      ? [createStagecraftApplyAction({ client, id: 'kubernetes:apply' })]
      : []),
    createPublishLocalAction({ client }),
    createTeardownAction({ client }),
  ];
}

/**
 * Registers the Stagecraft scaffolder actions. Each calls the Stagecraft
 * backend with the initiating user's credentials, so permissions and audit
 * are the backend's.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'stagecraft',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        client: stagecraftClientServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, client, config }) {
        const kubernetesApplyAlias =
          config.getOptionalBoolean(
            'stagecraft.scaffolder.kubernetesApplyAlias',
          ) ?? false;
        scaffolderActions.addActions(
          ...createStagecraftActions({ client, kubernetesApplyAlias }),
        );
      },
    });
  },
});
