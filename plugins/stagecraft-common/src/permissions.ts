import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/** Resource type of Stagecraft environments in the permission framework. @public */
export const STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE = 'stagecraft-environment';

/**
 * Create an environment: a resource permission decided on the proposed
 * environment (resourceRef = its name), so a policy's conditions (tier,
 * owner, cluster: HAS_TIER, IS_OWNER, IS_CLUSTER) apply to what would be
 * created.
 * @public
 */
export const environmentCreatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.environment.create',
  attributes: { action: 'create' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Read an environment (resource permission; resourceRef = environment name). @public */
export const environmentReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.environment.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Change an environment's owner, quota or TTL. @public */
export const environmentUpdatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.environment.update',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Delete an environment and its namespace. @public */
export const environmentDeletePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.environment.delete',
  attributes: { action: 'delete' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Deploy a release of a component to an environment. Deployment permissions
 * are resource permissions on the target environment (resourceRef = its
 * name), so policies can decide by tier, cluster and ownership.
 * @public
 */
export const deploymentCreatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.create',
  attributes: { action: 'create' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Promote the release running in one environment to the next. @public */
export const deploymentPromotePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.promote',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Redeploy an earlier release. @public */
export const deploymentRollbackPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.rollback',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** See deployments, status and history in an environment. @public */
export const deploymentReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Read configuration values of an environment or a component in it. @public */
export const configReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.config.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Change configuration values (a new config version). @public */
export const configUpdatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.config.update',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Set, rotate or delete secret values. There is no permission to read them:
 * values are write-only everywhere in Stagecraft.
 * @public
 */
export const secretUpdatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.secret.update',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Provision (or bind) the resources a workload requests in an environment,
 * checked on every deploy, promote and rollback of a workload with resources.
 * @public
 */
export const resourceProvisionPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.resource.provision',
  attributes: { action: 'create' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** List the resources provisioned in an environment and who asked for them. @public */
export const resourceReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.resource.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/**
 * Approve or reject a pending deploy/promotion/rollback into a protected
 * environment (who may is also bound by the type's approval group).
 * @public
 */
export const deploymentApprovePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.approve',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Day-2 operations: restart, scale, pause and resume. @public */
export const deploymentOperatePermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.deployment.operate',
  attributes: { action: 'update' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Read the logs of a component's containers in an environment. @public */
export const logsReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.logs.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Read the Kubernetes events of an environment and its components. @public */
export const eventsReadPermission: ResourcePermission<
  typeof STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE
> = createPermission({
  name: 'stagecraft.events.read',
  attributes: { action: 'read' },
  resourceType: STAGECRAFT_ENVIRONMENT_RESOURCE_TYPE,
});

/** Every Stagecraft permission, for registration and policy tooling. @public */
export const stagecraftPermissions = [
  environmentCreatePermission,
  environmentReadPermission,
  environmentUpdatePermission,
  environmentDeletePermission,
  deploymentCreatePermission,
  deploymentPromotePermission,
  deploymentRollbackPermission,
  deploymentReadPermission,
  configReadPermission,
  configUpdatePermission,
  secretUpdatePermission,
  resourceProvisionPermission,
  resourceReadPermission,
  deploymentApprovePermission,
  deploymentOperatePermission,
  logsReadPermission,
  eventsReadPermission,
];
