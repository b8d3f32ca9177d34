/**
 * The whole domain from its ports: every use case, wired once, in the order
 * their dependencies allow (no forward references). The backend plugin
 * (plugin.ts) and the tests' harness both build it here, so what the tests
 * exercise is what the backend runs.
 */
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import type {
  ApprovalStore,
  Auditor,
  Authorizer,
  Clock,
  ClusterGateway,
  ConfigStore,
  DeploymentStore,
  Directory,
  EnvironmentDeclarations,
  EnvironmentRecord,
  EnvironmentStore,
  OwnerDirectory,
  ResourceStore,
  UsageSource,
  WorkloadObserver,
  WorkloadSource,
  Notifier,
  ComponentOwners,
} from './ports';
import type { ClusterEventSource, PodLogSource } from './observability/ports';
import type { EnvironmentTypeSpec } from './environments/types';
import type { OwnerSubjectMapper } from './environments/manifests';
import type { ReservedNamespaces } from './environments/reservedNamespaces';
import type { ResolvedDefinition } from './resources/definitions';
import type { LogLimits } from './observability/logQuery';
import { exposureByType } from './policy/exposure';
import { protectionByType } from './policy/protection';
import { PromotionPipelines } from './policy/pipeline';
import { ResourceService } from './resources/ResourceService';
import { EnvironmentService } from './environments/EnvironmentService';
import { ConfigService } from './config/ConfigService';
import { SecretService } from './config/SecretService';
import { DeploymentService } from './deployments/DeploymentService';
import { ApprovalGate } from './approvals/ApprovalGate';
import { ApprovalService } from './approvals/ApprovalService';
import { ApprovalFeed } from './approvals/ApprovalFeed';
import { RolloutFailureNotices } from './notifications/RolloutFailureNotices';
import { ExpiryNotices } from './notifications/ExpiryNotices';
import { WindowNotices } from './notifications/WindowNotices';
import { ActionsService } from './actions/ActionsService';
import { CostPrices, OperationsService } from './operations/OperationsService';
import { CloneService } from './operations/CloneService';
import {
  CatalogRegistrations,
  TeardownService,
} from './operations/TeardownService';
import { SourceService, SourceStore } from './sources/SourceService';
import { ManifestService } from './manifests/ManifestService';
import { LogsService } from './observability/LogsService';
import { EventsService } from './observability/EventsService';
import { GitopsDelivery, PeopleDirectory } from './delivery/GitopsDelivery';
import type { GitWriter } from './delivery/ports';

/** The store every use case reads and writes (one database behind it). */
export type StagecraftStore = EnvironmentStore &
  DeploymentStore &
  ConfigStore &
  ResourceStore &
  ApprovalStore &
  SourceStore;

/** What the domain talks to: each an interface, real or fake. */
export interface StagecraftDomainPorts {
  gateway: ClusterGateway;
  store: StagecraftStore;
  authorizer: Authorizer;
  auditor: Auditor;
  clock: Clock;
  /** Components and their Score workloads (the catalog). */
  workloads: WorkloadSource;
  /** Live workload status (the watch cache). */
  observer: WorkloadObserver;
  /** Whose groups an actor is in (approvers, owners). */
  directory: Directory;
  logs: PodLogSource;
  events: ClusterEventSource;
  /** Pods and metrics per namespace, where the gateway reads them. */
  usage?: UsageSource;
  /** Environments declared as catalog entities. */
  declarations?: EnvironmentDeclarations;
  /** Checks that a new environment's owner exists (the catalog). */
  owners?: OwnerDirectory;
  /** What template runs registered in the catalog (teardown). */
  catalog?: CatalogRegistrations;
  /** Tells people what needs them (approvals, failed rollouts, expiry). */
  notifier?: Notifier;
  /** Who owns a component (failed rollouts); default: the environment's owner. */
  componentOwners?: ComponentOwners;
  /** Git writes of GitOps environment types (`delivery: gitops`); required when one is configured. */
  git?: GitWriter;
  /** Commit authors' names and emails (the catalog's users). */
  people?: PeopleDirectory;
}

/** The platform's choices, read from configuration by the doors. */
export interface StagecraftDomainSettings {
  types: EnvironmentTypeSpec[];
  drivers: ReadonlyMap<string, ResourceDriver>;
  definitions: ResolvedDefinition[];
  resourceReadyTimeoutMs?: number;
  deleteTimeoutMs?: number;
  reservedNamespaces?: ReservedNamespaces;
  ownerSubject?: OwnerSubjectMapper;
  allowTierSkip?: boolean;
  /** The Ingress host of a component in an environment, if its type has a pattern. */
  ingressHost?: (
    component: string,
    env: EnvironmentRecord,
  ) => string | undefined;
  /** Kinds the guarded apply may write (`Kind` or `Kind.group`). */
  allowedKinds?: string[];
  /** The offline demo's local sources. */
  localSources?: boolean;
  logLimits?: Partial<LogLimits>;
  prices?: CostPrices;
  /** How long the status path may reuse store reads (ms). */
  readCacheMs?: number;
  /** The Backstage page of a component (commit messages). */
  componentLink?: (componentRef: string) => string | undefined;
}

/** Every use case of Stagecraft, built by {@link createStagecraftDomain}. */
export type StagecraftDomain = ReturnType<typeof createStagecraftDomain>;

export function createStagecraftDomain(
  ports: StagecraftDomainPorts,
  settings: StagecraftDomainSettings,
) {
  const { gateway, store, authorizer, auditor, clock, directory } = ports;
  const { types } = settings;
  const common = { authorizer, auditor, clock };
  const exposure = exposureByType(types);
  const pipelines = new PromotionPipelines(types);
  const policyFor = protectionByType(types);
  const allowTierSkip = settings.allowTierSkip ?? false;
  const gitopsTypes = types.filter(t => t.gitops).map(t => t.name);
  if (gitopsTypes.length && !ports.git) {
    throw new Error(
      `environment types ${gitopsTypes.join(
        ', ',
      )} deliver through Git, but no Git writer was given`,
    );
  }
  // one delivery for environments and deployments: environment types choose
  const gitops = ports.git && {
    settingsFor: (env: EnvironmentRecord) =>
      types.find(t => t.name === env.type)?.gitops,
    delivery: new GitopsDelivery({
      git: ports.git,
      gateway,
      clock,
      ...(ports.people && { people: ports.people }),
      ...(settings.componentLink && { link: settings.componentLink }),
    }),
  };

  const resources = new ResourceService({
    ...common,
    exposure,
    gateway,
    store,
    environments: store,
    drivers: settings.drivers,
    definitions: settings.definitions,
    ...(settings.resourceReadyTimeoutMs !== undefined && {
      readyTimeoutMs: settings.resourceReadyTimeoutMs,
    }),
  });
  const environments = new EnvironmentService({
    ...common,
    gateway,
    store,
    types,
    resources,
    ...(ports.declarations && { declarations: ports.declarations }),
    ...(ports.owners && { owners: ports.owners }),
    ...(settings.deleteTimeoutMs !== undefined && {
      deleteTimeoutMs: settings.deleteTimeoutMs,
    }),
    ...(settings.reservedNamespaces && {
      reservedNamespaces: settings.reservedNamespaces,
    }),
    ...(settings.ownerSubject && { ownerSubject: settings.ownerSubject }),
    ...(gitops && { gitops }),
  });
  const configuration = new ConfigService({
    ...common,
    store,
    environments: store,
    workloads: ports.workloads,
    typeValues: type => types.find(t => t.name === type)?.config ?? {},
  });
  const secrets = new SecretService({
    ...common,
    gateway,
    store,
    environments: store,
  });
  // the gate guards every path that puts a release into an environment;
  // approved requests run through the deployment service it guards
  const { notifier } = ports;
  // approval requests as they change reach the open Deployments streams
  const approvalFeed = new ApprovalFeed({ authorizer });
  const approvalStore = approvalFeed.publishing(store);
  const gate = new ApprovalGate({
    store: approvalStore,
    auditor,
    clock,
    policyFor,
    ...(notifier && { notifier }),
  });
  const deployments = new DeploymentService({
    ...common,
    resources,
    config: configuration,
    secrets,
    gateway,
    environments: store,
    deployments: store,
    workloads: ports.workloads,
    observer: ports.observer,
    exposure,
    allowTierSkip,
    gate,
    pipeline: pipelines,
    ...(settings.ingressHost && { ingressHost: settings.ingressHost }),
    ...(settings.readCacheMs !== undefined && {
      readCacheMs: settings.readCacheMs,
    }),
    ...(gitops && { gitops }),
  });
  const approvals = new ApprovalService({
    ...common,
    store: approvalStore,
    environments: store,
    directory,
    policyFor,
    execute: (actor, request) =>
      deployments.runRelease(actor, {
        action: request.action,
        permission: 'deployment.approve',
        component: request.component,
        environment: request.environment,
        releaseId: request.releaseId,
        ...(request.from && { from: request.from }),
        approval: {
          id: request.id,
          approvers: request.approvals.map(a => a.by),
        },
      }),
    ...(notifier && { notifier }),
  });
  const actions = new ActionsService({
    ...common,
    environments: store,
    deployments: store,
    approvals: store,
    directory,
    pipelines,
    types,
    policyFor,
    allowTierSkip,
  });
  const operations = new OperationsService({
    ...common,
    deployments,
    store,
    environments: store,
    types,
    ...(ports.usage && { usage: ports.usage }),
    ...(settings.prices && { prices: settings.prices }),
  });
  const clones = new CloneService({
    authorizer,
    auditor,
    store,
    environments,
    deployments,
    config: configuration,
    secrets,
    gate,
  });
  const teardown = new TeardownService({
    authorizer,
    auditor,
    store,
    environments,
    deployments,
    ...(ports.catalog && { catalog: ports.catalog }),
  });
  const sources = settings.localSources
    ? new SourceService({ store, auditor, clock })
    : undefined;
  const manifests = new ManifestService({
    authorizer,
    auditor,
    exposure,
    gateway,
    store,
    allowedKinds: settings.allowedKinds ?? [],
    ...(gitops && {
      deliversThroughGit: (env: EnvironmentRecord) =>
        Boolean(gitops.settingsFor(env)),
    }),
  });
  const logs = new LogsService({
    ...common,
    environments: store,
    deployments: store,
    observer: ports.observer,
    logs: ports.logs,
    ...(settings.logLimits && { limits: settings.logLimits }),
  });
  const events = new EventsService({
    authorizer,
    auditor,
    environments: store,
    deployments: store,
    observer: ports.observer,
    resources: store,
    events: ports.events,
  });
  return {
    pipelines,
    resources,
    environments,
    config: configuration,
    secrets,
    deployments,
    approvals,
    approvalFeed,
    actions,
    operations,
    clones,
    teardown,
    sources,
    manifests,
    logs,
    events,
    // failed rollouts (from the watch cache) and expiring environments
    notices: notifier && {
      rollouts: new RolloutFailureNotices({
        observer: ports.observer,
        environments: store,
        deployments: store,
        owners: ports.componentOwners ?? { ownerOf: async () => undefined },
        notifier,
      }),
      expiry: new ExpiryNotices({ environments: store, notifier, clock }),
      windows: new WindowNotices({
        approvals: store,
        environments: store,
        policyFor,
        notifier,
        clock,
      }),
    },
  };
}
