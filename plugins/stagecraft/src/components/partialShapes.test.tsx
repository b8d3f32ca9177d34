/**
 * Every Stagecraft view renders whatever subset of fields the backend sends.
 * The OpenAPI schemas mark no field required and the event stream relays the
 * watch cache as it is, so each case below feeds a view one shape the backend
 * can produce and asserts it renders (no error overlay) and says something
 * sensible about it.
 */
import { act, screen, within } from '@testing-library/react';
import type { Entity } from '@backstage/catalog-model';
import type { StagecraftApi, WireDeployment } from '../api/StagecraftApi';
import {
  environmentEntities,
  mockStagecraftApi,
  provisioned,
  renderWithEntity,
  workerEntity,
} from '../__testUtils__/fixtures';
import { httpError } from '../__testUtils__/http';
import { DeploymentsContent } from './DeploymentsContent';
import { ConfigContent } from './ConfigContent';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';
import {
  EnvironmentResourcesCard,
  EnvironmentWorkloadsCard,
} from './EnvironmentCards';
import { EnvironmentsPage } from './EnvironmentsPage';

type Mock = ReturnType<typeof mockStagecraftApi>;

interface Case {
  name: string;
  /** The view under test. */
  view: JSX.Element;
  /** The entity page it is on (default: the payments-worker component). */
  entity?: Entity;
  /** Catalog entities besides it (default: the three payments environments). */
  entities?: Entity[];
  api?: Partial<StagecraftApi>;
  /** After the first render: what the event stream sends. */
  stream?: unknown[];
  /** Text that must be shown (each). */
  expect: Array<string | RegExp>;
  /** Within this test id, when given. */
  within?: string;
}

const deployments = (...items: unknown[]) =>
  jest.fn(async () => items as WireDeployment[]);

const devEntity = environmentEntities[1];
const loneEnvironment: Entity = {
  apiVersion: 'stagecraft.io/v1alpha1',
  kind: 'Environment',
  metadata: { name: 'sandbox', namespace: 'default' },
  spec: { tier: 'development', system: 'payments' },
};
const noSystem: Entity = {
  ...workerEntity,
  spec: { type: 'service', lifecycle: 'experimental', owner: 'group:a' },
};

const cases: Case[] = [
  // the Deployments tab (the crash of issue 17: a deployment without status)
  {
    name: 'deployment with only its environment (no status, no revision, no tier)',
    view: <DeploymentsContent />,
    api: { getDeployments: deployments({ environment: 'payments-dev' }) },
    within: 'env-payments-dev',
    expect: ['Not deployed', 'Status not reported yet'],
  },
  {
    name: 'revision without status',
    view: <DeploymentsContent />,
    api: {
      getDeployments: deployments({
        environment: 'payments-dev',
        revision: { revision: 3, image: 'ghcr.io/x/app:2.0' },
      }),
    },
    within: 'env-payments-dev',
    expect: ['2.0', 'rev 3', 'Status not reported yet', /changed by someone/],
  },
  {
    name: 'status without replicas, pods or message',
    view: <DeploymentsContent />,
    api: {
      getDeployments: deployments({
        environment: 'payments-dev',
        status: { phase: 'failed' },
      }),
    },
    within: 'env-payments-dev',
    expect: ['Failed', 'Not deployed'],
  },
  {
    name: 'partial replicas and an unknown phase',
    view: <DeploymentsContent />,
    api: {
      getDeployments: deployments({
        environment: 'payments-dev',
        status: { phase: 'paused-by-someone', replicas: { ready: 1 } },
      }),
    },
    within: 'env-payments-dev',
    expect: ['Missing in cluster', '1/? ready'],
  },
  {
    name: 'environment not in the catalog yet (and without tier)',
    view: <DeploymentsContent />,
    api: { getDeployments: deployments({ environment: 'feature-x' }) },
    within: 'env-feature-x',
    expect: ['feature-x', 'Status not reported yet'],
  },
  {
    name: 'items that name no environment, null and a string',
    view: <DeploymentsContent />,
    api: { getDeployments: deployments({}, null, 'x', { tier: 'staging' }) },
    within: 'env-payments-dev',
    expect: ['Not deployed'],
  },
  {
    name: 'stream sends partial statuses, null and garbage',
    view: <DeploymentsContent />,
    stream: [
      { environment: 'payments-staging' },
      null,
      {},
      { environment: 'payments-staging', status: { phase: 'progressing' } },
    ],
    within: 'env-payments-staging',
    expect: ['Rolling out', 'Not deployed'],
  },
  {
    name: 'component with no system and no deployments',
    view: <DeploymentsContent />,
    entity: noSystem,
    expect: [/This component has no spec.system/],
  },
  {
    name: 'component outside any pipeline (environment without promotesTo)',
    view: <DeploymentsContent />,
    entities: [loneEnvironment],
    api: {
      getDeployments: deployments({
        environment: 'sandbox',
        revision: { revision: 1 },
      }),
    },
    within: 'env-sandbox',
    expect: ['Roll back', 'image unknown'],
  },
  // the Config tab
  {
    name: 'config: an empty answer',
    view: <ConfigContent />,
    api: {
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
      ]),
      getConfig: jest.fn(async () => ({} as any)),
      getConfigHistory: jest.fn(async () => undefined as any),
      listSecrets: jest.fn(async () => null as any),
    },
    expect: ['Effective configuration', /No values set in payments-dev/],
  },
  {
    name: 'config: values without layers, versions without changed',
    view: <ConfigContent />,
    api: {
      listEnvironments: jest.fn(async () => [
        provisioned('payments-dev', 'development'),
      ]),
      getConfig: jest.fn(async () => ({ values: { A: '1' } } as any)),
      getConfigHistory: jest.fn(async () => [{ version: 1 } as any]),
      listSecrets: jest.fn(async () => [{ key: 'TOKEN' } as any]),
    },
    expect: ['A', '1', 'TOKEN', /changed nothing/],
  },
  {
    name: 'config: environment declared but not provisioned (404)',
    view: <ConfigContent />,
    api: {
      getConfig: jest.fn(async () => {
        throw await httpError(404, 'environment "payments-dev" not found');
      }),
    },
    expect: ['payments-dev is not provisioned yet', /Provision/],
  },
  // the Environment page cards
  {
    name: 'overview: provisioned environment with only a name',
    view: <EnvironmentOverviewCard />,
    entity: devEntity,
    api: { getEnvironment: jest.fn(async () => ({ name: 'x' } as any)) },
    expect: ['phase unknown', 'not reported', 'managed by Stagecraft'],
  },
  {
    name: 'overview: declared entity with a thin spec, not provisioned',
    view: <EnvironmentOverviewCard />,
    entity: { ...loneEnvironment, spec: {} },
    api: {
      getEnvironment: jest.fn(async () => {
        throw await httpError(404, 'environment "sandbox" not found');
      }),
    },
    expect: ['not declared', /not provisioned yet/, 'Provision'],
  },
  {
    name: 'workloads: a deployment with no status and a thin revision',
    view: <EnvironmentWorkloadsCard />,
    entity: devEntity,
    entities: [workerEntity],
    api: {
      getDeployments: deployments({
        environment: 'payments-dev',
        revision: { image: 'ghcr.io/x/app:3.1' },
      }),
    },
    expect: ['3.1', 'Status not reported yet', '—', /changed by someone/],
  },
  {
    name: 'resources: items without type, id or status',
    view: <EnvironmentResourcesCard />,
    entity: devEntity,
    api: {
      getEnvironmentResources: jest.fn(async () => [
        {} as any,
        { type: 'postgres', status: { ready: true } } as any,
      ]),
    },
    expect: ['postgres', 'Ready', 'unnamed'],
  },
  // the Environments page
  {
    name: 'environments page: an environment with only a name, entities without spec',
    view: <EnvironmentsPage />,
    entities: [{ ...loneEnvironment, spec: undefined } as unknown as Entity],
    api: { listEnvironments: jest.fn(async () => [{ name: 'bare' } as any]) },
    expect: ['bare', 'Provisioned', 'sandbox', 'Not provisioned'],
  },
];

describe('every view renders the shapes the backend can send', () => {
  it.each(cases.map(c => [c.name, c] as const))('%s', async (_, c) => {
    const mock: Mock = mockStagecraftApi(c.api);
    renderWithEntity(c.view, {
      entity: c.entity ?? workerEntity,
      api: mock.api,
      entities: c.entities ?? environmentEntities,
    });
    if (c.stream) {
      await screen.findByRole('table', { name: 'deployments' });
      for (const d of c.stream) act(() => mock.emit(d as WireDeployment));
    }
    const scope = c.within
      ? within(await screen.findByTestId(c.within))
      : screen;
    for (const text of c.expect) {
      expect((await scope.findAllByText(text)).length).toBeGreaterThan(0);
    }
    expect(
      screen.queryByText(/Cannot read properties/),
    ).not.toBeInTheDocument();
  });
});
