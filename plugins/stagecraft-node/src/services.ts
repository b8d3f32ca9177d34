import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { StagecraftClient } from './StagecraftClient';

/**
 * The {@link StagecraftClient} for backend plugins and modules, e.g.
 * `deps: { stagecraft: stagecraftClientServiceRef }`.
 * @public
 */
export const stagecraftClientServiceRef = createServiceRef<StagecraftClient>({
  id: 'stagecraft.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: deps => new StagecraftClient(deps),
    }),
});
