import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  ENVIRONMENT_KIND,
  STAGECRAFT_API_VERSION,
} from '@stagecraft/backstage-plugin-stagecraft-common';

/**
 * Whether a Component is deployed by Stagecraft: it names its workload spec
 * (`stagecraft.io/workload`) or the catalog module found it deployed
 * (`stagecraft.io/deployed-to`). For `EntitySwitch` in a legacy app's
 * EntityPage.tsx, around the Deployments and Config tabs.
 *
 * @public
 */
export function isStagecraftAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    Boolean(
      annotations[ANNOTATIONS.workload] || annotations[ANNOTATIONS.deployedTo],
    )
  );
}

/**
 * Whether an entity is a Stagecraft Environment (`kind: Environment`,
 * `apiVersion: stagecraft.io/v1alpha1`), for `EntitySwitch` around the
 * Environment cards.
 *
 * @public
 */
export function isStagecraftEnvironment(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') ===
      ENVIRONMENT_KIND.toLocaleLowerCase('en-US') &&
    entity.apiVersion === STAGECRAFT_API_VERSION
  );
}
