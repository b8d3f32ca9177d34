import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { StagecraftExamplePolicy } from './ExamplePolicy';

/**
 * The permission backend's policy for a Stagecraft demo or a starting point:
 * with `stagecraft.examplePolicy.enabled` the {@link StagecraftExamplePolicy}
 * (platform group from `stagecraft.examplePolicy.platformGroup`), otherwise
 * allow-all, as create-app's default module would. Install it instead of
 * `@backstage/plugin-permission-backend-module-allow-all-policy`.
 *
 * @public
 */
export const stagecraftExamplePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'stagecraft-example-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        const options = config.getOptionalConfig('stagecraft.examplePolicy');
        if (!options?.getOptionalBoolean('enabled')) {
          logger.warn(
            'stagecraft.examplePolicy is not enabled: every permission is allowed',
          );
          policy.setPolicy({
            handle: async () => ({ result: AuthorizeResult.ALLOW }),
          });
          return;
        }
        const platformGroup = options.getString('platformGroup');
        logger.info(
          `Stagecraft example policy: production changes need ${platformGroup}`,
        );
        policy.setPolicy(
          new StagecraftExamplePolicy({
            platformGroup,
            platformOnlyActions: options.getOptionalStringArray(
              'platformOnlyActions',
            ),
          }),
        );
      },
    });
  },
});
