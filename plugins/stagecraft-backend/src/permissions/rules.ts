import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE } from '@stagecraft/backstage-plugin-stagecraft-common';
import { z } from 'zod';
import type { EnvironmentRecord } from '../domain/ports';

/**
 * The query form of the rules: a property of the environment record and the
 * values it may take. List endpoints turn a conditional decision into these
 * and filter with them, so nothing the user may not read is ever counted.
 *
 * @public
 */
export interface EnvironmentFilter {
  property: 'owner' | 'tier' | 'cluster';
  values: string[];
}

/** Environments as a permission resource type, with the rules below. */
export const environmentResourceRef = createPermissionResourceRef<
  EnvironmentRecord,
  EnvironmentFilter
>().with({
  pluginId: 'stagecraft',
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

const lower = (values: string[]) =>
  values.map(v => v.toLocaleLowerCase('en-US'));

/**
 * IS_OWNER: the environment's owner is one of `claims` — pass the user's
 * ownership entity refs (the user and their groups), as catalog's
 * IS_ENTITY_OWNER does.
 */
export const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description:
    'Allow environments owned by one of the given entity refs (usually the user and their groups)',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs, e.g. the ownership entity refs of the user'),
  }),
  apply: (env, { claims }) =>
    lower(claims).includes(env.owner.toLocaleLowerCase('en-US')),
  toQuery: ({ claims }) => ({ property: 'owner', values: lower(claims) }),
});

/** HAS_TIER: the environment's tier is one of `tiers`. */
export const hasTier = createPermissionRule({
  name: 'HAS_TIER',
  description: 'Allow environments of the given tiers',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    tiers: z
      .array(z.enum(['preview', 'development', 'staging', 'production']))
      .describe('Tiers, e.g. ["development", "preview"]'),
  }),
  apply: (env, { tiers }) => (tiers as string[]).includes(env.tier),
  toQuery: ({ tiers }) => ({ property: 'tier', values: tiers }),
});

/** IS_CLUSTER: the environment lives on one of `clusters`. */
export const isCluster = createPermissionRule({
  name: 'IS_CLUSTER',
  description: 'Allow environments on the given clusters',
  resourceRef: environmentResourceRef,
  paramsSchema: z.object({
    clusters: z.array(z.string()).describe('Cluster names from admin config'),
  }),
  apply: (env, { clusters }) => clusters.includes(env.cluster),
  toQuery: ({ clusters }) => ({ property: 'cluster', values: clusters }),
});

/** Every rule of the environment resource type. @public */
export const environmentRules = { isOwner, hasTier, isCluster };

const environmentConditionExports = createConditionExports({
  resourceRef: environmentResourceRef,
  rules: environmentRules,
});

/**
 * Conditions for policy authors, e.g. `environmentConditions.isOwner({ claims })`.
 *
 * @public
 */
export const environmentConditions = environmentConditionExports.conditions;

/**
 * A conditional decision on environments for policy authors:
 * `createEnvironmentConditionalDecision(permission, criteria)`.
 *
 * @public
 */
export const createEnvironmentConditionalDecision =
  environmentConditionExports.createConditionalDecision;
