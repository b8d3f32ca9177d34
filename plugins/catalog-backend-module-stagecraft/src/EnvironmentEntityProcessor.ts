import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  ANNOTATIONS,
  ENVIRONMENT_KIND,
  EnvironmentEntity,
  isEnvironmentEntity,
  RELATIONS,
  validateEnvironmentEntity,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * Validates `kind: Environment` (apiVersion `stagecraft.io/v1alpha1`) entities
 * and emits their relations: ownedBy/ownerOf, partOf/hasPart for the system and
 * promotesTo/promotedFrom along the pipeline.
 *
 * For a Component with the `stagecraft.io/deployed-to` annotation it emits
 * deployedTo (component → environment) and hasDeployment (environment →
 * component) relations.
 *
 * An invalid Environment is refused with an InputError whose message names
 * every bad field; the catalog records it as the entity's processing error.
 *
 * @public
 */
export class EnvironmentEntityProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'StagecraftEnvironmentEntityProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isEnvironmentEntity(entity)) {
      return false;
    }
    const errors = validateEnvironmentEntity(entity);
    if (errors.length) {
      throw new InputError(
        `Invalid Environment "${entity.metadata?.name}": ${errors
          .map(e => e.message)
          .join('; ')}`,
      );
    }
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (entity.kind?.toLocaleLowerCase('en-US') === 'component') {
      this.emitDeployedTo(entity, emit);
      return entity;
    }
    if (!isEnvironmentEntity(entity)) {
      return entity;
    }
    const env = entity as unknown as EnvironmentEntity;
    const self = getCompoundEntityRef(entity);
    const link = (
      target: string | undefined,
      defaultKind: string,
      outgoing: string,
      incoming: string,
    ) => {
      if (!target) return;
      const ref = parseEntityRef(target, {
        defaultKind,
        defaultNamespace: self.namespace,
      });
      emit(
        processingResult.relation({
          source: self,
          type: outgoing,
          target: ref,
        }),
      );
      emit(
        processingResult.relation({
          source: ref,
          type: incoming,
          target: self,
        }),
      );
    };
    link(env.spec.owner, 'Group', RELATION_OWNED_BY, RELATION_OWNER_OF);
    link(env.spec.system, 'System', RELATION_PART_OF, RELATION_HAS_PART);
    link(
      env.spec.promotesTo,
      'Environment',
      RELATIONS.promotesTo,
      RELATIONS.promotedFrom,
    );
    return entity;
  }

  /**
   * `stagecraft.io/deployed-to` is a comma-separated list of environment refs,
   * e.g. `payments-dev, environment:default/payments-staging`. Whitespace and
   * empty items are ignored. A bare name means `environment:default/<name>`:
   * environments live in the default namespace whatever the component's.
   */
  private emitDeployedTo(entity: Entity, emit: CatalogProcessorEmit) {
    const value = entity.metadata.annotations?.[ANNOTATIONS.deployedTo];
    if (!value) return;
    const self = getCompoundEntityRef(entity);
    const targets = new Map<string, CompoundEntityRef>();
    const invalid: string[] = [];
    for (const item of value.split(',').map(s => s.trim())) {
      if (!item) continue;
      let ref: CompoundEntityRef;
      try {
        ref = parseEntityRef(item, {
          defaultKind: ENVIRONMENT_KIND,
          defaultNamespace: 'default',
        });
      } catch {
        invalid.push(item);
        continue;
      }
      if (ref.kind.toLocaleLowerCase('en-US') !== 'environment') {
        invalid.push(item);
        continue;
      }
      targets.set(stringifyEntityRef(ref), ref);
    }
    if (invalid.length) {
      throw new InputError(
        `Invalid ${ANNOTATIONS.deployedTo} annotation on ${stringifyEntityRef(
          self,
        )}: ${invalid
          .map(i => `"${i}"`)
          .join(', ')} is not an Environment entity reference`,
      );
    }
    for (const target of targets.values()) {
      emit(
        processingResult.relation({
          source: self,
          type: RELATIONS.deployedTo,
          target,
        }),
      );
      emit(
        processingResult.relation({
          source: target,
          type: RELATIONS.hasDeployment,
          target: self,
        }),
      );
    }
  }
}
