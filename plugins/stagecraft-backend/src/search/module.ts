import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { EnvironmentCollatorFactory } from './EnvironmentCollatorFactory';

const KEY = 'search.collators.stagecraft';

/**
 * Stagecraft's environments in Backstage search: a module of the search
 * plugin registering {@link EnvironmentCollatorFactory}, on the schedule
 * `search.collators.stagecraft.schedule` (default every 10 minutes).
 *
 * @public
 */
export const stagecraftSearchModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'stagecraft-environments',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        indexRegistry: searchIndexRegistryExtensionPoint,
      },
      async init({ auth, config, scheduler, catalog, indexRegistry }) {
        const schedule = config.getOptionalConfig(`${KEY}.schedule`);
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(
            schedule
              ? readSchedulerServiceTaskScheduleDefinitionFromConfig(schedule)
              : {
                  frequency: { minutes: 10 },
                  timeout: { minutes: 15 },
                  initialDelay: { seconds: 3 },
                },
          ),
          factory: new EnvironmentCollatorFactory({
            auth,
            catalog,
            locationTemplate: config.getOptionalString(
              `${KEY}.locationTemplate`,
            ),
          }),
        });
      },
    });
  },
});
