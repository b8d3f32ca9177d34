import { mockServices } from '@backstage/backend-test-utils';
import { NotificationsNotifier } from './NotificationsNotifier';

const notice = {
  recipients: ['group:default/platform'],
  exclude: ['user:default/bob'],
  topic: 'stagecraft-approvals',
  severity: 'high' as const,
  title: 'Approval needed',
  description: 'bob asks',
  link: '/catalog/default/component/app/deployments',
  scope: 'stagecraft:approval:1',
};

describe('NotificationsNotifier', () => {
  it('sends entity recipients with topic, severity, link and scope', async () => {
    const send = jest.fn(async () => undefined);
    await new NotificationsNotifier({
      notifications: { send },
      logger: mockServices.logger.mock(),
    }).notify(notice);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['group:default/platform'],
        excludeEntityRef: ['user:default/bob'],
      },
      payload: {
        title: 'Approval needed',
        description: 'bob asks',
        topic: 'stagecraft-approvals',
        severity: 'high',
        link: '/catalog/default/component/app/deployments',
        scope: 'stagecraft:approval:1',
      },
    });
  });

  it('never fails the change: without the notifications plugin it warns', async () => {
    const logger = mockServices.logger.mock();
    await expect(
      new NotificationsNotifier({
        notifications: {
          send: async () => {
            throw new Error('Request failed with 404 Not Found');
          },
        },
        logger,
      }).notify(notice),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'could not send the notification "Approval needed": Request failed with 404 Not Found',
    );
  });
});
