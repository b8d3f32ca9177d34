import type {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { StagecraftDomainPorts } from './domain/createStagecraftDomain';
import {
  CatalogComponentOwners,
  NotificationsNotifier,
} from './services/NotificationsNotifier';

/**
 * The domain's notification ports on Backstage (`stagecraft.notifications.enabled`,
 * default on): the notifications service and the catalog's component owners.
 * Without the notifications plugin in the backend the sends fail softly (a
 * warning).
 */
export function notificationPorts(options: {
  config: RootConfigService;
  logger: LoggerService;
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
}): Pick<StagecraftDomainPorts, 'notifier' | 'componentOwners'> {
  if (
    options.config.getOptionalBoolean('stagecraft.notifications.enabled') ===
    false
  )
    return {};
  return {
    notifier: new NotificationsNotifier(options),
    componentOwners: new CatalogComponentOwners(options),
  };
}
