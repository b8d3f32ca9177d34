// Shared by the Deployments tab's approval and day-2 operation tests.
import { screen } from '@testing-library/react';
import type {
  DeployResult,
  RevisionAction,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  deployment,
  mockStagecraftApi,
  provisioned,
  revision,
  WORKER,
} from './fixtures';

export const dev1 = revision(
  'payments-dev',
  1,
  'ghcr.io/example/payments-worker:1.0.0',
  { replicas: 2 },
);
export const staging1 = revision(
  'payments-staging',
  1,
  'ghcr.io/example/payments-worker:1.0.0',
  { action: 'promote', from: 'payments-dev' },
);

export function liveApi() {
  return mockStagecraftApi({
    listEnvironments: jest.fn(async () => [
      provisioned('payments-dev', 'development'),
      provisioned('payments-staging', 'staging'),
      provisioned('payments-prod', 'production'),
    ]),
    getDeployments: jest.fn(async () => [
      deployment('payments-dev', 'development', dev1),
      deployment('payments-staging', 'staging', staging1),
    ]),
  });
}

export const rowOf = (env: string) => screen.getByTestId(`env-${env}`);

export const result = (
  env: string,
  n: number,
  image: string,
  action: RevisionAction,
): DeployResult => ({
  release: {
    id: 'r-111111111111',
    component: WORKER,
    image,
    workload: {},
    createdBy: 'user:default/guest',
    createdAt: new Date().toISOString(),
  },
  dryRun: false,
  diff: '',
  revision: revision(env, n, image, { action }),
});
