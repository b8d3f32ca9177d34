import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { registerDeploy } from './deploy';
import { registerGetDeploymentStatus } from './getDeploymentStatus';
import { registerGetLogs } from './getLogs';
import { registerListEnvironments } from './listEnvironments';
import { registerPromote } from './promote';
import { registerRollback } from './rollback';
import type { AgentActionServices } from './shared';

export type { AgentActionServices } from './shared';

/**
 * Stagecraft's actions in Backstage's actions registry (served to MCP
 * clients by the mcp-actions plugin as `stagecraft.<name>`): thin doors to
 * the use cases the router calls, with the calling user's credentials.
 */
export function registerAgentActions(
  registry: ActionsRegistryService,
  services: AgentActionServices,
  logger: LoggerService,
) {
  registerGetDeploymentStatus(registry, services);
  registerListEnvironments(registry, services);
  registerDeploy(registry, services, logger);
  registerPromote(registry, services, logger);
  registerRollback(registry, services, logger);
  registerGetLogs(registry, services);
}
