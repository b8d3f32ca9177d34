import type { Entity } from '@backstage/catalog-model';
import { SWRConfig } from 'swr';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ActionReason,
  ActionState,
  ApprovalRequest,
  ComponentActionName,
  ComponentActions,
  DeploymentRevision,
  EnvironmentActionName,
  EnvironmentActions,
  Environment,
  EnvironmentDeployment,
  EnvironmentUsage,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import type {
  ClusterEventsResponse,
  LogStreamEvent,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import {
  ClusterEventsListener,
  ClusterEventsScope,
  DeploymentStreamListener,
  LogStreamListener,
  StagecraftApi,
  stagecraftApiRef,
  WireDeployment,
} from '../api/StagecraftApi';

const env = (
  name: string,
  tier: string,
  promotesTo?: string,
  title?: string,
): Entity => ({
  apiVersion: 'stagecraft.io/v1alpha1',
  kind: 'Environment',
  metadata: { name, namespace: 'default', title },
  spec: {
    tier,
    type: tier,
    owner: 'group:default/payments',
    system: 'payments',
    cluster: 'local',
    namespace: name,
    ...(promotesTo && { promotesTo: `environment:default/${promotesTo}` }),
  },
});

/** The example pipeline of examples/environments.yaml (prod listed first on purpose). */
export const environmentEntities: Entity[] = [
  env('payments-prod', 'production', undefined, 'Payments production'),
  env(
    'payments-dev',
    'development',
    'payments-staging',
    'Payments development',
  ),
  env('payments-staging', 'staging', 'payments-prod', 'Payments staging'),
];

export const workerEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-worker',
    namespace: 'default',
    annotations: {
      'stagecraft.io/workload': './workloads/payments-worker.score.yaml',
      'backstage.io/kubernetes-id': 'payments-worker',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/payments',
    system: 'payments',
  },
};

export const WORKER = 'component:default/payments-worker';

export function provisioned(
  name: string,
  tier: Environment['tier'],
  extra: Partial<Environment> = {},
): Environment {
  return {
    name,
    type: tier,
    tier,
    cluster: 'local',
    namespace: name,
    owner: 'group:default/payments',
    system: 'payments',
    quota: { cpu: '4', memory: '8Gi', pods: 20 },
    phase: 'Ready',
    createdBy: 'user:default/guest',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

export function revision(
  environment: string,
  n: number,
  image: string,
  extra: Partial<DeploymentRevision> = {},
): DeploymentRevision {
  return {
    component: WORKER,
    environment,
    revision: n,
    releaseId: `r-${String(n).repeat(12)}`.slice(0, 14),
    image,
    action: 'deploy',
    actor: 'user:default/guest',
    at: new Date(Date.now() - 5 * 60_000).toISOString(),
    replicas: 1,
    kubernetesId: 'payments-worker',
    changed: ['Deployment/payments-worker'],
    ...extra,
  };
}

export function deployment(
  environment: string,
  tier: string,
  rev: DeploymentRevision | undefined,
  status: Partial<EnvironmentDeployment['status']> = {},
): EnvironmentDeployment {
  return {
    environment,
    tier,
    revision: rev,
    status: {
      phase: 'complete',
      release: rev?.releaseId,
      image: rev?.image,
      replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
      pods: { total: 1, running: 1, pending: 0, failed: 0, ready: 1 },
      observedAt: new Date().toISOString(),
      ...status,
    },
  };
}

/** A pending promotion of payments-worker into payments-staging, by the CI service. */
export function approval(
  extra: Partial<ApprovalRequest> = {},
): ApprovalRequest {
  const at = new Date(Date.now() - 10 * 60_000).toISOString();
  return {
    id: 'apr-1',
    component: WORKER,
    environment: 'payments-staging',
    action: 'promote',
    releaseId: 'r-bbbbbbbbbbbb',
    image: 'ghcr.io/example/payments-worker:1.0.1',
    from: 'payments-dev',
    requestedBy: 'service:external:stagecraft-ci',
    requestedAt: at,
    required: 1,
    group: 'group:default/payments',
    approvals: [],
    state: 'pending',
    updatedAt: at,
    ...extra,
  };
}

const GI = 1024 ** 3;
const MI = 1024 ** 2;

/** Usage of an environment with one component (two replicas). */
export function usage(
  environment: string,
  extra: Partial<EnvironmentUsage> = {},
): EnvironmentUsage {
  return {
    environment,
    owner: 'group:default/payments',
    tier: 'development',
    quota: { cpu: 4, memory: 8 * GI, pods: 20 },
    requests: { cpu: 0.5, memory: 512 * MI },
    limits: { cpu: 1, memory: GI },
    pods: 2,
    components: [
      {
        component: WORKER,
        replicas: 2,
        requests: { cpu: 0.5, memory: 512 * MI },
        limits: { cpu: 1, memory: GI },
      },
    ],
    ...extra,
  };
}

/** Each action allowed, except those `denied` names (with their reason). */
function answers<N extends string>(
  names: N[],
  denied: Partial<Record<N, ActionReason>>,
): Record<N, ActionState> {
  return Object.fromEntries(
    names.map(n => {
      const reason = denied[n];
      return [n, reason ? { allowed: false, reason } : { allowed: true }];
    }),
  ) as Record<N, ActionState>;
}

/** Everything allowed for a component in an environment, except what `denied` names. */
export function componentActions(
  environment: string,
  extra: Partial<ComponentActions> = {},
  denied: Partial<Record<ComponentActionName, ActionReason>> = {},
): ComponentActions {
  return {
    component: WORKER,
    environment,
    paused: false,
    ...extra,
    actions: answers(
      [
        'deploy',
        'promote',
        'rollback',
        'restart',
        'scale',
        'approve',
        'reject',
        'withdraw',
        'configUpdate',
        'secretUpdate',
      ],
      denied,
    ),
  };
}

/** Everything allowed with an environment, except what `denied` names. */
export function environmentActions(
  environment: string,
  extra: Partial<EnvironmentActions> = {},
  denied: Partial<Record<EnvironmentActionName, ActionReason>> = {},
): EnvironmentActions {
  return {
    environment,
    provisioned: true,
    workloads: [],
    ...extra,
    actions: answers(
      [
        'provision',
        'pause',
        'resume',
        'delete',
        'extend',
        'configUpdate',
        'secretUpdate',
      ],
      denied,
    ),
  };
}

/**
 * The backend refuses `actions` in `environment` for the signed-in user with
 * `message` (reason code `code`); everything else stays allowed.
 */
export function refuseActions(
  api: jest.Mocked<StagecraftApi>,
  refusals: Array<{
    environment: string;
    actions: ComponentActionName[];
    message: string;
    code?: ActionReason['code'];
  }>,
) {
  api.getComponentActions.mockImplementation(async (component, environment) =>
    componentActions(
      environment,
      { component },
      Object.fromEntries(
        refusals
          .filter(r => r.environment === environment)
          .flatMap(r =>
            r.actions.map(a => [
              a,
              { code: r.code ?? 'forbidden', message: r.message },
            ]),
          ),
      ),
    ),
  );
}

/** Hovers a disabled control's wrapper and resolves to its tooltip's text. */
export async function tooltipOf(button: HTMLElement): Promise<string> {
  const { fireEvent, waitFor } = await import('@testing-library/react');
  const wrapper = button.parentElement!;
  fireEvent.mouseOver(wrapper);
  // the tooltip this wrapper describes itself with (another may still be fading)
  return waitFor(() => {
    const id = wrapper.getAttribute('aria-describedby');
    const tip = id ? document.getElementById(id) : null;
    if (!tip) throw new Error('no tooltip yet');
    return tip.textContent ?? '';
  });
}

/**
 * A StagecraftApi whose every method is a jest.fn; `emit` feeds the SSE
 * listener, `emitLog` the followed logs (`stopLogs` is what their stop
 * function calls), `emitClusterEvents` the watched events of a scope.
 */
export function mockStagecraftApi(overrides: Partial<StagecraftApi> = {}) {
  const listeners: DeploymentStreamListener[] = [];
  const logListeners: LogStreamListener[] = [];
  const stopLogs = jest.fn();
  const eventListeners: Array<{
    scope: ClusterEventsScope;
    listener: ClusterEventsListener;
  }> = [];
  const api: jest.Mocked<StagecraftApi> = {
    getHealth: jest.fn(async () => ({
      status: 'ok' as const,
      clusters: [{ name: 'local', reachable: true, version: 'v1.34.1' }],
    })),
    listEnvironments: jest.fn(async () => []),
    getEnvironment: jest.fn(async (name: string) =>
      provisioned(name, 'development'),
    ),
    extendEnvironment: jest.fn(),
    deleteEnvironment: jest.fn(async () => undefined),
    provisionEnvironment: jest.fn(),
    getEnvironmentResources: jest.fn(async () => undefined),
    getDeployments: jest.fn(async () => []),
    watchDeployments: jest.fn((_ref: string, l: DeploymentStreamListener) => {
      listeners.push(l);
      l.onOpen?.();
      return () => {};
    }),
    getHistory: jest.fn(async () => []),
    getDrift: jest.fn(async () => []),
    deploy: jest.fn(),
    promote: jest.fn(),
    rollback: jest.fn(),
    getConfig: jest.fn(),
    getConfigHistory: jest.fn(async () => []),
    setConfig: jest.fn(),
    rollbackConfig: jest.fn(),
    listSecrets: jest.fn(async () => []),
    listApprovals: jest.fn(async () => []),
    approve: jest.fn(),
    reject: jest.fn(),
    withdraw: jest.fn(),
    getComponentActions: jest.fn(
      async (component: string, environment: string) =>
        componentActions(environment, { component }),
    ),
    getEnvironmentActions: jest.fn(async (name: string) =>
      environmentActions(name),
    ),
    getPipelines: jest.fn(async () => []),
    restart: jest.fn(),
    scale: jest.fn(),
    pauseEnvironment: jest.fn(),
    resumeEnvironment: jest.fn(),
    cloneEnvironment: jest.fn(),
    getTeardownPlan: jest.fn(),
    teardown: jest.fn(),
    getEnvironmentUsage: jest.fn(async () => undefined),
    listUsage: jest.fn(async () => undefined),
    listEnvironmentTypes: jest.fn(async () => [
      { name: 'preview', tier: 'preview', defaultTtl: '3d' },
      { name: 'development', tier: 'development' },
      { name: 'staging', tier: 'staging' },
      { name: 'production', tier: 'production' },
    ]),
    getLogs: jest.fn(async () => ({ pods: [], lines: [] })),
    followLogs: jest.fn((_ref: string, _q: unknown, l: LogStreamListener) => {
      logListeners.push(l);
      return () => {
        logListeners.splice(logListeners.indexOf(l), 1);
        stopLogs();
      };
    }),
    downloadLogs: jest.fn(async () => new Blob(['log text'])),
    getClusterEvents: jest.fn(async () => ({ items: [] })),
    watchClusterEvents: jest.fn(
      (scope: ClusterEventsScope, listener: ClusterEventsListener) => {
        const entry = { scope, listener };
        eventListeners.push(entry);
        listener.onOpen?.();
        return () => {
          eventListeners.splice(eventListeners.indexOf(entry), 1);
        };
      },
    ),
    ...overrides,
  } as jest.Mocked<StagecraftApi>;
  const emit = (d: WireDeployment) => listeners.forEach(l => l.onStatus(d));
  const emitApproval = (r: ApprovalRequest) =>
    listeners.forEach(l => l.onApproval?.(r));
  const emitLog = (e: LogStreamEvent) =>
    logListeners.forEach(l => l.onEvent(e));
  const failLogs = (e: Error) => logListeners.forEach(l => l.onError?.(e));
  /** Feeds the watchers of `environment` (and of `component` there, when given). */
  const emitClusterEvents = (
    environment: string,
    response: ClusterEventsResponse,
    component?: string,
  ) =>
    eventListeners
      .filter(
        w =>
          w.scope.environment === environment &&
          (component === undefined || w.scope.component === component),
      )
      .forEach(w => w.listener.onEvents(response));
  return {
    api,
    emit,
    emitApproval,
    emitLog,
    failLogs,
    stopLogs,
    emitClusterEvents,
  };
}

/** Allow everything, or deny the named permissions. */
export function permissions(denied: string[] = []): PermissionApi {
  return mockApis.permission({
    authorize: req =>
      denied.includes(req.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
}

export function renderWithEntity(
  element: JSX.Element,
  {
    entity,
    api,
    entities = environmentEntities,
    denied = [],
    user = 'user:default/guest',
  }: {
    entity: Entity;
    api: StagecraftApi;
    entities?: Entity[];
    denied?: string[];
    /** The signed-in user. */
    user?: string;
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [stagecraftApiRef, api],
        [catalogApiRef, catalogApiMock({ entities: [...entities, entity] })],
        [permissionApiRef, permissions(denied)],
      ]}
    >
      {/* a fresh permission cache per test (usePermission caches with SWR) */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>{element}</EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [mockApis.identity({ userEntityRef: user })],
    },
  );
}
