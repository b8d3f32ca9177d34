import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  deploymentCreatePermission,
  environmentCreatePermission,
  environmentReadPermission,
  secretUpdatePermission,
} from '@stagecraft/backstage-plugin-stagecraft-common';
import { StagecraftExamplePolicy } from './ExamplePolicy';

const policy = new StagecraftExamplePolicy({
  platformGroup: 'group:default/platform',
});
const user = (...groups: string[]): any => ({
  info: {
    userEntityRef: 'user:default/bob',
    ownershipEntityRefs: ['user:default/bob', ...groups],
  },
});
const execute = {
  type: 'resource',
  name: 'scaffolder.action.execute',
  attributes: {},
  resourceType: 'scaffolder-action',
} as any;

describe('StagecraftExamplePolicy', () => {
  it('lets everyone read environments', async () => {
    expect(
      await policy.handle({ permission: environmentReadPermission }, user()),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets a user create preview and development environments their groups own; the platform group creates any', async () => {
    expect(
      await policy.handle(
        { permission: environmentCreatePermission },
        user('group:default/payments'),
      ),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'stagecraft',
      resourceType: 'stagecraft-environment',
      conditions: {
        allOf: [
          {
            rule: 'HAS_TIER',
            resourceType: 'stagecraft-environment',
            params: { tiers: ['preview', 'development'] },
          },
          {
            rule: 'IS_OWNER',
            resourceType: 'stagecraft-environment',
            params: { claims: ['user:default/bob', 'group:default/payments'] },
          },
        ],
      },
    });
    expect(
      await policy.handle(
        { permission: environmentCreatePermission },
        user('group:default/platform'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('makes changes conditional on ownership outside production for non-platform users', async () => {
    for (const permission of [
      deploymentCreatePermission,
      secretUpdatePermission,
    ]) {
      expect(
        await policy.handle({ permission }, user('group:default/payments')),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'stagecraft',
        resourceType: 'stagecraft-environment',
        conditions: {
          allOf: [
            {
              rule: 'HAS_TIER',
              resourceType: 'stagecraft-environment',
              params: { tiers: ['preview', 'development', 'staging'] },
            },
            {
              rule: 'IS_OWNER',
              resourceType: 'stagecraft-environment',
              params: {
                claims: ['user:default/bob', 'group:default/payments'],
              },
            },
          ],
        },
      });
    }
  });

  it('allows the platform group, and services (no user, e.g. a CI token), everything', async () => {
    expect(
      await policy.handle(
        { permission: deploymentCreatePermission },
        user('group:default/platform'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle({ permission: deploymentCreatePermission }),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('keeps stagecraft:apply (and its alias kubernetes:apply) for the platform group through HAS_ACTION_ID', async () => {
    expect(await policy.handle({ permission: execute }, user())).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-action',
      conditions: {
        not: {
          anyOf: [
            {
              rule: 'HAS_ACTION_ID',
              resourceType: 'scaffolder-action',
              params: { actionId: 'stagecraft:apply' },
            },
            {
              rule: 'HAS_ACTION_ID',
              resourceType: 'scaffolder-action',
              params: { actionId: 'kubernetes:apply' },
            },
          ],
        },
      },
    });
    expect(
      await policy.handle(
        { permission: execute },
        user('group:default/platform'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
