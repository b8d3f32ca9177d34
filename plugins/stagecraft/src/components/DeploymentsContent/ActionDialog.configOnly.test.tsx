import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DeployResult } from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  mockStagecraftApi,
  renderWithEntity,
  revision,
  WORKER,
  workerEntity,
} from '../../__testUtils__/fixtures';
import { ActionDialog } from './ActionDialog';

const running = 'ghcr.io/example/payments-worker:1.0.2';

const dryRun: DeployResult = {
  release: {
    id: 'r-cfg000000001',
    component: WORKER,
    image: running,
    createdAt: new Date().toISOString(),
  } as DeployResult['release'],
  revision: revision('payments-dev', 3, running),
  dryRun: true,
  diff: '--- a\n+++ b\n-  LOG_LEVEL: info\n+  LOG_LEVEL: debug',
  configOnly: true,
  objects: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'payments-worker',
      source: 'workload',
      change: 'update',
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'payments-db',
      source: 'resource:db',
      change: 'unchanged',
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'payments-db-credentials',
      source: 'resource:db',
      change: 'create-if-absent',
    },
  ],
};

describe('Deploy dialog: a deploy without an image (issue 18, item 8)', () => {
  it('says it keeps the running image, and the dry run lists every object, resources included', async () => {
    const { api } = mockStagecraftApi({
      deploy: jest.fn(async () => dryRun),
    });
    renderWithEntity(
      <ActionDialog
        componentRef={WORKER}
        action={{
          kind: 'deploy',
          environment: 'payments-dev',
          currentImage: running,
        }}
        onClose={() => {}}
        onDone={() => {}}
      />,
      { entity: workerEntity, api },
    );
    expect(
      await screen.findByText(
        /Empty: a config-only rollout that keeps the running image \(ghcr\.io\/example\/payments-worker:1\.0\.2\)/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Preview changes' }),
    );
    expect(api.deploy).toHaveBeenCalledWith(WORKER, {
      environment: 'payments-dev',
      dryRun: true,
    });
    expect(
      await screen.findByText(
        /^Config-only rollout: payments-dev keeps the images/,
      ),
    ).toBeInTheDocument();
    const objects = within(
      screen.getByRole('table', { name: 'objects the deploy writes' }),
    );
    expect(objects.getByText('Deployment/payments-worker')).toBeInTheDocument();
    expect(objects.getByText('StatefulSet/payments-db')).toBeInTheDocument();
    expect(objects.getAllByText('resource db')).toHaveLength(2);
    expect(
      objects.getByText('created if absent (generated, never shown)'),
    ).toBeInTheDocument();
  });
});
