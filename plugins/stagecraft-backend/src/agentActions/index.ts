import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { deployAction } from './deploy';
import { registerGetDeploymentStatus } from './getDeploymentStatus';
import { registerGetLogs } from './getLogs';
import { registerListEnvironments } from './listEnvironments';
import { promoteAction } from './promote';
import { rollbackAction } from './rollback';
import { AgentActionServices, registerWrite } from './shared';

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
  for (const action of [deployAction, promoteAction, rollbackAction]) {
    registerWrite(registry, services, logger, action);
  }
  registerGetLogs(registry, services);
}
