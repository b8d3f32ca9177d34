import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import { RELATIONS } from '@stagecraft/backstage-plugin-stagecraft-common';
import type { StagecraftClient } from '@stagecraft/backstage-plugin-stagecraft-node';

/**
 * Relates every Component to the environments Stagecraft has deployed it to
 * (`deployedTo` / `hasDeployment`), as the Stagecraft backend records them.
 * The backend answers from its store and watch cache, so this costs the
 * clusters nothing. When the backend is unavailable the entity keeps
 * processing without these relations (they return on the next pass).
 *
 * @public
 */
export class ComponentDeploymentsProcessor implements CatalogProcessor {
  constructor(
    private readonly deps: {
      client: Pick<StagecraftClient, 'getDeployments'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
      logger: LoggerService;
    },
  ) {}

  getProcessorName(): string {
    return 'StagecraftComponentDeploymentsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (entity.kind.toLocaleLowerCase('en-US') !== 'component') return entity;
    const self = getCompoundEntityRef(entity);
    let environments: string[];
    try {
      const deployments = await this.deps.client.getDeployments(
        stringifyEntityRef(entity),
        { credentials: await this.deps.auth.getOwnServiceCredentials() },
      );
      environments = deployments.map(d => d.environment);
    } catch (e) {
      this.deps.logger.debug(
        `stagecraft deployments of ${stringifyEntityRef(
          entity,
        )} unavailable: ${e}`,
      );
      return entity;
    }
    for (const name of environments) {
      const env = { kind: 'Environment', namespace: 'default', name };
      emit(
        processingResult.relation({
          source: self,
          type: RELATIONS.deployedTo,
          target: env,
        }),
      );
      emit(
        processingResult.relation({
          source: env,
          type: RELATIONS.hasDeployment,
          target: self,
        }),
      );
    }
    return entity;
  }
}
