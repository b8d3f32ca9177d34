import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { ComponentOwners, Notice, Notifier } from '../domain/ports';

/**
 * The Notifier on Backstage's notifications service: entity recipients
 * (groups resolve to their members there), topic, severity, link and scope
 * as the domain set them. Never throws: a backend without the notifications
 * plugin (the service's default client gets a 404) logs a warning instead.
 */
export class NotificationsNotifier implements Notifier {
  constructor(
    private readonly deps: {
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  async notify(notice: Notice): Promise<void> {
    try {
      await this.deps.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: notice.recipients,
          ...(notice.exclude?.length && { excludeEntityRef: notice.exclude }),
        },
        payload: {
          title: notice.title,
          description: notice.description,
          topic: notice.topic,
          severity: notice.severity,
          ...(notice.link && { link: notice.link }),
          ...(notice.scope && { scope: notice.scope }),
        },
      });
    } catch (e) {
      this.deps.logger.warn(
        `could not send the notification "${notice.title}": ${
          (e as Error).message
        }`,
      );
    }
  }
}

/** Owners of components from the catalog (the backend's own credentials). */
export class CatalogComponentOwners implements ComponentOwners {
  constructor(
    private readonly deps: { catalog: CatalogService; auth: AuthService },
  ) {}

  async ownerOf(componentRef: string): Promise<string | undefined> {
    const entity = await this.deps.catalog.getEntityByRef(componentRef, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    const owner = entity?.spec?.owner;
    if (typeof owner !== 'string') return undefined;
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity!.metadata.namespace ?? 'default',
      }),
    );
  }
}
