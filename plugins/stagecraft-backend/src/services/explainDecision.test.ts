import { environmentConditions, environmentRules } from '../permissions/rules';
import type { EnvironmentRecord } from '../domain/ports';
import { explainConditions } from './explainDecision';

const rules = Object.values(environmentRules);
const ruleset = {
  getRuleByName: (name: string) => rules.find(r => r.name === name)!,
} as any;

const env = {
  name: 'payments-prod',
  tier: 'production',
  owner: 'group:default/payments',
  cluster: 'local',
} as EnvironmentRecord;

const examplePolicy = (claims: string[]) =>
  ({
    allOf: [
      environmentConditions.hasTier({
        tiers: ['preview', 'development', 'staging'],
      }),
      environmentConditions.isOwner({ claims }),
    ],
  } as any);

describe('explainConditions', () => {
  it('names the first failing rule, and who may when the policy says', () => {
    expect(
      explainConditions(
        ruleset,
        examplePolicy(['group:default/payments']),
        env,
        {
          verb: 'deploy to',
          privilegedGroup: 'group:default/platform',
        },
      ),
    ).toBe(
      'Only group:default/platform may deploy to production environments such as payments-prod',
    );
    const dev = {
      ...env,
      name: 'payments-dev',
      tier: 'development',
    } as EnvironmentRecord;
    expect(
      explainConditions(ruleset, examplePolicy(['group:default/other']), dev, {
        verb: 'roll back',
      }),
    ).toBe(
      'Only group:default/payments (the owner of payments-dev) may roll back payments-dev',
    );
    expect(
      explainConditions(
        ruleset,
        examplePolicy(['group:default/payments']),
        dev,
        {
          verb: 'deploy to',
        },
      ),
    ).toBeUndefined();
    expect(
      explainConditions(
        ruleset,
        {
          not: environmentConditions.isCluster({ clusters: ['local'] }),
        } as any,
        dev,
        { verb: 'deploy to' },
      ),
    ).toBe(
      'You may not deploy to environments on cluster local such as payments-dev',
    );
  });
});
