import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { stagecraftClientServiceRef } from '@stagecraft/backstage-plugin-stagecraft-node';
import { createClusterCheckAction } from './actions/clusterCheck';
import { createEnvironmentCreateAction } from './actions/environmentCreate';
import { createEnvironmentDeleteAction } from './actions/environmentDelete';
import { createDeployAction } from './actions/deploy';
import { createConfigSetAction } from './actions/configSet';
import { createPromoteAction, createRollbackAction } from './actions/promote';

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
      },
      async init({ scaffolderActions, client }) {
        scaffolderActions.addActions(
          createClusterCheckAction({ client }),
          createEnvironmentCreateAction({ client }),
          createEnvironmentDeleteAction({ client }),
          createDeployAction({ client }),
          createPromoteAction({ client }),
          createRollbackAction({ client }),
          createConfigSetAction({ client }),
        );
      },
    });
  },
});
