import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { notificationService } from '@backstage/plugin-notifications-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { retryingCatalog } from './services/retryingCatalog';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  ENVIRONMENT_EVENTS_TOPIC,
  stagecraftPermissions,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { createDefaultClusterGateway } from './cluster/defaultClusterGateway';
import { KubernetesClusterGateway } from './cluster/KubernetesClusterGateway';
import { NamespaceWatcher } from './cluster/NamespaceWatcher';
import { startClusterAccess } from './cluster/clusterAccess';
import { WorkloadCache } from './cluster/WorkloadCache';
import { CatalogEnvironmentDeclarations } from './services/CatalogEnvironmentDeclarations';
import { CatalogOwners } from './services/CatalogOwners';
import { gitopsPorts } from './gitops';
import { CatalogWorkloadSource } from './services/CatalogWorkloadSource';
import { EnvironmentFeed } from './domain/environments/feed';
import { systemClock } from './domain/ports';
import type { UsageSource } from './domain/ports';
import { hostFor } from './domain/policy/exposure';
import {
  readEnvironmentTypes,
  readOwnerSubjects,
  readReservedNamespaces,
} from './environmentTypes';
import { createRouter } from './router';
import { createStagecraftDomain } from './domain/createStagecraftDomain';
import { noObservability } from './domain/observability/none';
import { userDirectory } from './services/UserDirectory';
import {
  ResourceDefinition,
  ResourceDriver,
  stagecraftClusterAuthExtensionPoint,
  stagecraftClusterGatewayExtensionPoint,
  stagecraftResourcesExtensionPoint,
} from '@stagecraft/backstage-plugin-stagecraft-node';
import type { ClusterGateway } from '@stagecraft/backstage-plugin-stagecraft-node';
import type { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import { readResourceDefinitions, resourceDrivers } from './resourceConfig';
import type {
  ClusterEventSource,
  PodLogSource,
} from './domain/observability/ports';
import { ObservabilityGateway } from './cluster/ObservabilityGateway';
import { CatalogRegistrationsAdapter } from './services/CatalogRegistrationsAdapter';
import { PermissionsAuthorizer } from './services/PermissionsAuthorizer';
import { environmentResourceRef, environmentRules } from './permissions/rules';
import { StoreAuditor } from './services/StoreAuditor';
import { DatabaseStore } from './store/DatabaseStore';
import { registerAgentActions } from './agentActions';
import { notificationPorts } from './notificationsWiring';
import { startReviewApps } from './reviewApps';

/** A gateway that also reads pods and the metrics API (usage, cost). */
function isUsageSource<T extends object>(
  gateway: T,
): gateway is T & UsageSource {
  const g = gateway as Partial<UsageSource>;
  return typeof g.pods === 'function' && typeof g.podMetrics === 'function';
}

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
    // a cluster gateway of a backend module, replacing the backend's own
    let moduleGateway: ClusterGateway | undefined;
    env.registerExtensionPoint(stagecraftClusterGatewayExtensionPoint, {
      setClusterGateway: gateway => {
        if (moduleGateway) {
          throw new Error(
            'Stagecraft: a second backend module set the cluster gateway; install only one',
          );
        }
        moduleGateway = gateway;
      },
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
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        // catalog reads sent again when a kept-alive connection was reset
        const catalog = retryingCatalog(deps.catalog);
        const { config, logger, httpRouter } = deps;
        const gateway: ClusterGateway =
          moduleGateway ?? createDefaultClusterGateway({ config, logger });
        const environmentTypes = readEnvironmentTypes(config);
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
        const auditor = new StoreAuditor(store, deps.auditor, systemClock);
        const drivers = resourceDrivers(moduleDrivers);
        // live status and catalog ingestion read the clusters through the
        // gateway's watch transport, whichever gateway it is
        const clusterConfigs = gateway.listClusters().flatMap(c => {
          const transport = gateway.watchTransport?.(c.name);
          return transport ? [{ name: c.name, transport }] : [];
        });
        if (clusterConfigs.length < gateway.listClusters().length) {
          logger.warn(
            'Stagecraft: the cluster gateway has no watch transport for some clusters; they get no live status and no catalog ingestion',
          );
        }
        // the watch cache every status read is served from
        const cache = new WorkloadCache({ clusters: clusterConfigs, logger });
        deps.lifecycle.addStartupHook(() => cache.start());
        deps.lifecycle.addShutdownHook(() => cache.stop());
        // module strategies, catalog-located clusters, clusters changing at
        // runtime: the backend's own gateway's (a module's manages its own)
        const access =
          gateway instanceof KubernetesClusterGateway
            ? startClusterAccess({
                config,
                logger,
                gateway,
                catalog,
                auth: deps.auth,
                strategies: moduleStrategies,
                watchers: [cache],
              })
            : undefined;
        deps.lifecycle.addShutdownHook(() => access?.stop());
        // logs and events through the API servers; a module's gateway serves
        // none (said at start-up, answered 503 / empty)
        const observability: PodLogSource & ClusterEventSource =
          gateway instanceof KubernetesClusterGateway
            ? new ObservabilityGateway(gateway)
            : noObservability;
        if (moduleGateway) {
          logger.info(
            'Stagecraft: cluster gateway from a backend module; pod logs and cluster events are not served through it',
          );
        }
        const cost = config.getOptionalConfig('stagecraft.cost');
        const logLimit = (key: string) =>
          config.getOptionalNumber(`stagecraft.logs.${key}`);
        const gitops = gitopsPorts(config, environmentTypes, {
          catalog,
          auth: deps.auth,
          lifecycle: deps.lifecycle,
        });
        const domain = createStagecraftDomain(
          {
            ...gitops.ports,
            gateway,
            store,
            authorizer,
            auditor,
            clock: systemClock,
            workloads: new CatalogWorkloadSource({
              catalog,
              urlReader: deps.urlReader,
              auth: deps.auth,
            }),
            observer: cache,
            directory: userDirectory(deps.userInfo),
            logs: observability,
            events: observability,
            // actual usage: the clusters' pods and metrics API
            ...(isUsageSource(gateway) && { usage: gateway }),
            declarations: new CatalogEnvironmentDeclarations({
              catalog,
              auth: deps.auth,
            }),
            ...(config.getOptionalBoolean('stagecraft.requireCatalogOwners') !==
              false && {
              owners: new CatalogOwners({
                catalog,
                auth: deps.auth,
              }),
            }),
            catalog: new CatalogRegistrationsAdapter(catalog),
            ...notificationPorts({ ...deps, catalog }),
          },
          {
            types: environmentTypes,
            ...(gitops.componentLink && {
              componentLink: gitops.componentLink,
            }),
            drivers,
            definitions: readResourceDefinitions(
              config,
              drivers,
              moduleDefinitions,
            ),
            resourceReadyTimeoutMs:
              (config.getOptionalNumber(
                'stagecraft.resources.readyTimeoutSeconds',
              ) ?? 180) * 1000,
            deleteTimeoutMs:
              (config.getOptionalNumber('stagecraft.deleteTimeoutSeconds') ??
                180) * 1000,
            reservedNamespaces: readReservedNamespaces(config),
            ownerSubject: readOwnerSubjects(config),
            allowTierSkip:
              config.getOptionalBoolean('stagecraft.promotion.allowTierSkip') ??
              false,
            ingressHost: (component, target) => {
              const pattern = environmentTypes.find(
                t => t.name === target.type,
              )?.ingressHostPattern;
              return pattern
                ? hostFor(pattern, component, target.name, target.namespace)
                : undefined;
            },
            allowedKinds:
              config.getOptionalStringArray('stagecraft.apply.allowedKinds') ??
              [],
            localSources:
              config.getOptionalBoolean('stagecraft.localSources.enabled') ??
              false,
            logLimits: Object.fromEntries(
              [
                'maxFollowsPerUser',
                'maxFollows',
                'maxLineBytes',
                'maxBytesPerSecond',
                'defaultTailLines',
                'maxTailLines',
              ].flatMap(k =>
                logLimit(k) === undefined ? [] : [[k, logLimit(k)]],
              ),
            ),
            ...(cost && {
              prices: {
                currency: cost.getString('currency'),
                cpuHour: cost.getNumber('cpuHour'),
                memoryGiBHour: cost.getNumber('memoryGiBHour'),
              },
            }),
          },
        );
        const { environments, sources, notices } = domain;
        // the same use cases for AI agents (actions registry, MCP)
        registerAgentActions(deps.actionsRegistry, domain, logger);
        // review apps from GitHub pull requests (stagecraft.reviewApps)
        await startReviewApps({ ...deps, useCases: domain, environmentTypes });
        // failed rollouts heard from the watch cache
        let stopRolloutNotices: (() => void) | undefined;
        deps.lifecycle.addStartupHook(() => {
          stopRolloutNotices = notices?.rollouts.start(e =>
            logger.warn(`rollout notifications: ${e.message}`),
          );
        });
        deps.lifecycle.addShutdownHook(() => stopRolloutNotices?.());
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
            // owners of environments expiring within 24 h, once per expiry
            await notices?.expiry.warn();
            // approved changes whose deployment window opened
            await notices?.windows.tell();
          },
        });

        // the watch cache feeds the catalog and live views through events
        {
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
            ...domain,
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
