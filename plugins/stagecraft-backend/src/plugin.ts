import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  ENVIRONMENT_EVENTS_TOPIC,
  stagecraftPermissions,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { clusterGatewayServiceRef } from './cluster/clusterGatewayService';
import { KubernetesClusterGateway } from './cluster/KubernetesClusterGateway';
import { NamespaceWatcher } from './cluster/NamespaceWatcher';
import { startClusterAccess } from './cluster/clusterAccess';
import { WorkloadCache } from './cluster/WorkloadCache';
import { EnvironmentService } from './domain/environments/EnvironmentService';
import { DeploymentService } from './domain/deployments/DeploymentService';
import { ConfigService } from './domain/config/ConfigService';
import { SecretService } from './domain/config/SecretService';
import { CatalogEnvironmentDeclarations } from './services/CatalogEnvironmentDeclarations';
import { CatalogOwners } from './services/CatalogOwners';
import { CatalogWorkloadSource } from './services/CatalogWorkloadSource';
import { EnvironmentFeed } from './domain/environments/feed';
import { systemClock } from './domain/ports';
import { ClusterUnavailableError } from './domain/errors';
import {
  hostFor,
  readEnvironmentTypes,
  readOwnerSubjects,
  readReservedNamespaces,
} from './environmentTypes';
import { createRouter } from './router';
import {
  ResourceDefinition,
  ResourceDriver,
  stagecraftClusterAuthExtensionPoint,
  stagecraftResourcesExtensionPoint,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import { ResourceService } from './domain/resources/ResourceService';
import { readResourceDefinitions, resourceDrivers } from './resourceConfig';
import { ManifestService } from './domain/manifests/ManifestService';
import { SourceService } from './domain/sources/SourceService';
import { ApprovalService } from './domain/approvals/ApprovalService';
import { protectionByType } from './domain/policy/protection';
import { exposureByType } from './domain/policy/exposure';
import { OperationsService } from './domain/operations/OperationsService';
import { CloneService } from './domain/operations/CloneService';
import { TeardownService } from './domain/operations/TeardownService';
import { ActionsService } from './domain/actions/ActionsService';
import { LogsService } from './domain/observability/LogsService';
import { EventsService } from './domain/observability/EventsService';
import type {
  ClusterEventSource,
  PodLogSource,
} from './domain/observability/ports';
import { ObservabilityGateway } from './cluster/ObservabilityGateway';
import { PromotionPipelines } from './domain/policy/pipeline';
import { CatalogRegistrationsAdapter } from './services/CatalogRegistrationsAdapter';
import { PermissionsAuthorizer } from './services/PermissionsAuthorizer';
import { environmentResourceRef, environmentRules } from './permissions/rules';
import { StoreAuditor } from './services/StoreAuditor';
import { DatabaseStore } from './store/DatabaseStore';

/** Logs and events of a gateway other than the Kubernetes one (tests' fakes). */
const unsupportedObservability: PodLogSource & ClusterEventSource = {
  openPodLog: async () => {
    throw new ClusterUnavailableError('this cluster gateway serves no logs');
  },
  listEvents: async () => [],
  watchEvents: async (_c, _n, onEvents) => {
    onEvents([]);
    return () => undefined;
  },
};

/**
 * The Stagecraft backend plugin: wires the domain to Backstage's services.
 *
 * @public
 */
export const stagecraftPlugin = createBackendPlugin({
  pluginId: 'stagecraft',
  register(env) {
    // resource drivers and definitions added by backend modules
    const moduleDrivers: ResourceDriver[] = [];
    const moduleDefinitions: ResourceDefinition[] = [];
    env.registerExtensionPoint(stagecraftResourcesExtensionPoint, {
      addResourceDriver: (...drivers) => void moduleDrivers.push(...drivers),
      addResourceDefinitions: (...definitions) =>
        void moduleDefinitions.push(...definitions),
    });
    // cluster auth strategies added by backend modules (by authProvider)
    const moduleStrategies = new Map<string, AuthenticationStrategy>();
    env.registerExtensionPoint(stagecraftClusterAuthExtensionPoint, {
      addAuthStrategy: (key, strategy) =>
        void moduleStrategies.set(key, strategy),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        urlReader: coreServices.urlReader,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        gateway: clusterGatewayServiceRef,
      },
      async init(deps) {
        const { config, logger, httpRouter, gateway } = deps;
        const environmentTypes = readEnvironmentTypes(config);
        const exposure = exposureByType(environmentTypes);
        const store = await DatabaseStore.create({
          knex: await deps.database.getClient(),
          skipMigrations: deps.database.migrations?.skip,
        });
        deps.permissionsRegistry.addResourceType({
          resourceRef: environmentResourceRef,
          permissions: stagecraftPermissions,
          rules: Object.values(environmentRules),
          getResources: names =>
            Promise.all(names.map(name => store.getEnvironment(name))),
        });
        const authorizer = new PermissionsAuthorizer(
          deps.permissions,
          deps.permissionsRegistry.getPermissionRuleset(environmentResourceRef),
          // refusals of the example policy name who may (issue 18)
          config.getOptionalBoolean('stagecraft.examplePolicy.enabled')
            ? config.getOptionalString('stagecraft.examplePolicy.platformGroup')
            : undefined,
        );
        const pipelines = new PromotionPipelines(environmentTypes);
        const auditor = new StoreAuditor(store, deps.auditor, systemClock);
        const drivers = resourceDrivers(moduleDrivers);
        const resources = new ResourceService({
          exposure,
          gateway,
          store,
          environments: store,
          authorizer,
          auditor,
          clock: systemClock,
          drivers,
          definitions: readResourceDefinitions(
            config,
            drivers,
            moduleDefinitions,
          ),
          readyTimeoutMs:
            (config.getOptionalNumber(
              'stagecraft.resources.readyTimeoutSeconds',
            ) ?? 180) * 1000,
        });
        const environments = new EnvironmentService({
          declarations: new CatalogEnvironmentDeclarations({
            catalog: deps.catalog,
            auth: deps.auth,
          }),
          resources,
          gateway,
          store,
          authorizer,
          auditor,
          clock: systemClock,
          types: environmentTypes,
          deleteTimeoutMs:
            (config.getOptionalNumber('stagecraft.deleteTimeoutSeconds') ??
              180) * 1000,
          reservedNamespaces: readReservedNamespaces(config),
          ownerSubject: readOwnerSubjects(config),
          ...(config.getOptionalBoolean('stagecraft.requireCatalogOwners') !==
            false && {
            owners: new CatalogOwners({
              catalog: deps.catalog,
              auth: deps.auth,
            }),
          }),
        });
        const clusterConfigs =
          gateway instanceof KubernetesClusterGateway
            ? gateway.listClusters().map(c => ({
                name: c.name,
                kc: gateway.kubeConfig(c.name),
              }))
            : [];
        // the watch cache every status read is served from
        const cache = new WorkloadCache({ clusters: clusterConfigs, logger });
        deps.lifecycle.addStartupHook(() => cache.start());
        deps.lifecycle.addShutdownHook(() => cache.stop());
        // module strategies, catalog-located clusters, clusters changing at runtime
        const access =
          gateway instanceof KubernetesClusterGateway
            ? startClusterAccess({
                config,
                logger,
                gateway,
                catalog: deps.catalog,
                auth: deps.auth,
                strategies: moduleStrategies,
                watchers: [cache],
              })
            : undefined;
        deps.lifecycle.addShutdownHook(() => access?.stop());
        const workloads = new CatalogWorkloadSource({
          catalog: deps.catalog,
          urlReader: deps.urlReader,
          auth: deps.auth,
        });
        const configuration = new ConfigService({
          store,
          environments: store,
          workloads,
          authorizer,
          auditor,
          clock: systemClock,
          typeValues: type =>
            environmentTypes.find(t => t.name === type)?.config ?? {},
        });
        const secrets = new SecretService({
          gateway,
          store,
          environments: store,
          authorizer,
          auditor,
          clock: systemClock,
        });
        // the approval service is made after this one (it runs approved
        // changes through it); the gate reaches it once it exists
        const later: { approvals?: ApprovalService } = {};
        const deployments: DeploymentService = new DeploymentService({
          resources,
          config: configuration,
          secrets,
          gateway,
          environments: store,
          deployments: store,
          workloads,
          observer: cache,
          exposure,
          ingressHost: (component, target) => {
            const pattern = environmentTypes.find(
              t => t.name === target.type,
            )?.ingressHostPattern;
            return pattern
              ? hostFor(pattern, component, target.name, target.namespace)
              : undefined;
          },
          authorizer,
          auditor,
          clock: systemClock,
          allowTierSkip:
            config.getOptionalBoolean('stagecraft.promotion.allowTierSkip') ??
            false,
          gate: {
            admit: request => later.approvals!.admit(request),
          },
          pipeline: pipelines,
        });
        const directory = {
          ownershipOf: async (actor: { credentials?: unknown }) => {
            const credentials = actor.credentials as
              | BackstageCredentials
              | undefined;
            if (
              !credentials ||
              (credentials.principal as { type?: string }).type !== 'user'
            ) {
              return [];
            }
            return (await deps.userInfo.getUserInfo(credentials))
              .ownershipEntityRefs;
          },
        };
        // approvals and deployment windows per environment type
        const policyFor = protectionByType(environmentTypes);
        const approvals = new ApprovalService({
          store,
          environments: store,
          authorizer,
          auditor,
          clock: systemClock,
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
        });
        later.approvals = approvals;
        const actions = new ActionsService({
          environments: store,
          deployments: store,
          approvals: store,
          authorizer,
          auditor,
          clock: systemClock,
          directory,
          pipelines,
          types: environmentTypes,
          policyFor,
          allowTierSkip:
            config.getOptionalBoolean('stagecraft.promotion.allowTierSkip') ??
            false,
        });
        const cost = config.getOptionalConfig('stagecraft.cost');
        const operations = new OperationsService({
          deployments,
          store,
          environments: store,
          authorizer,
          auditor,
          clock: systemClock,
          types: environmentTypes,
          // actual usage: the clusters' pods and metrics API
          ...(gateway instanceof KubernetesClusterGateway && {
            usage: gateway,
          }),
          ...(cost && {
            prices: {
              currency: cost.getString('currency'),
              cpuHour: cost.getNumber('cpuHour'),
              memoryGiBHour: cost.getNumber('memoryGiBHour'),
            },
          }),
        });
        const clones = new CloneService({
          store,
          environments,
          deployments,
          config: configuration,
          secrets,
          authorizer,
          auditor,
        });
        const teardown = new TeardownService({
          store,
          environments,
          deployments,
          authorizer,
          auditor,
          catalog: new CatalogRegistrationsAdapter(deps.catalog),
        });
        const sources = config.getOptionalBoolean(
          'stagecraft.localSources.enabled',
        )
          ? new SourceService({ store, auditor, clock: systemClock })
          : undefined;
        const manifests = new ManifestService({
          exposure,
          gateway,
          store,
          authorizer,
          auditor,
          allowedKinds:
            config.getOptionalStringArray('stagecraft.apply.allowedKinds') ??
            [],
        });
        // logs and events through the API servers (another gateway: none)
        const observability: PodLogSource & ClusterEventSource =
          gateway instanceof KubernetesClusterGateway
            ? new ObservabilityGateway(gateway)
            : unsupportedObservability;
        const limit = (key: string) =>
          config.getOptionalNumber(`stagecraft.logs.${key}`);
        const logs = new LogsService({
          environments: store,
          deployments: store,
          observer: cache,
          logs: observability,
          authorizer,
          auditor,
          clock: systemClock,
          limits: Object.fromEntries(
            [
              'maxFollowsPerUser',
              'maxFollows',
              'maxLineBytes',
              'maxBytesPerSecond',
              'defaultTailLines',
              'maxTailLines',
            ].flatMap(k => (limit(k) === undefined ? [] : [[k, limit(k)]])),
          ),
        });
        const clusterEvents = new EventsService({
          environments: store,
          deployments: store,
          observer: cache,
          resources: store,
          events: observability,
          authorizer,
          auditor,
        });
        logger.info(
          `Stagecraft: ${
            gateway.listClusters().length
          } cluster(s), environment types ${environmentTypes
            .map(t => t.name)
            .join(', ')}`,
        );

        // previews past their TTL are deleted by one backend replica at a time
        await deps.scheduler.scheduleTask({
          id: 'stagecraft-environment-reaper',
          scope: 'global',
          frequency: {
            seconds:
              config.getOptionalNumber('stagecraft.reaper.frequencySeconds') ??
              60,
          },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 1 },
          fn: async () => {
            const reaped = await environments.reapExpired(msg =>
              logger.info(`reaper: ${msg}`),
            );
            if (reaped.length)
              logger.info(`reaper: deleted ${reaped.join(', ')}`);
          },
        });

        // the watch cache feeds the catalog and live views through events
        if (gateway instanceof KubernetesClusterGateway) {
          const feed = new EnvironmentFeed({
            store,
            publish: async eventPayload => {
              await deps.events.publish({
                topic: ENVIRONMENT_EVENTS_TOPIC,
                eventPayload,
              });
            },
          });
          const watcher = new NamespaceWatcher({
            clusters: clusterConfigs,
            listener: feed,
            logger,
          });
          access?.watch(watcher);
          deps.lifecycle.addStartupHook(() => watcher.start());
          deps.lifecycle.addShutdownHook(() => watcher.stop());
        }

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            logger,
            gateway,
            environmentTypes,
            environments,
            deployments,
            config: configuration,
            secrets,
            resources,
            manifests,
            sources,
            approvals,
            operations,
            clones,
            teardown,
            actions,
            logs,
            events: clusterEvents,
            healthTimeoutMs:
              config.getOptionalNumber('stagecraft.healthTimeoutMs') ?? 3000,
          }),
        );
        // Load balancers and the local scripts probe health without a token;
        // it reveals cluster names and reachability only, never URLs or tokens.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        if (sources) {
          // the catalog's UrlReader fetches registered locations without a
          // token; only enabled for the offline demo (stagecraft.localSources)
          httpRouter.addAuthPolicy({
            path: '/sources',
            allow: 'unauthenticated',
          });
        }
      },
    });
  },
});
