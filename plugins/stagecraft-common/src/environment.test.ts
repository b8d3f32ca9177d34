import { isEnvironmentEntity, validateEnvironmentEntity } from './environment';

const valid = () => ({
  apiVersion: 'stagecraft.io/v1alpha1',
  kind: 'Environment',
  metadata: { name: 'payments-staging' },
  spec: {
    tier: 'staging',
    owner: 'group:default/payments',
    system: 'payments',
    cluster: 'local',
    namespace: 'payments-staging',
    promotesTo: 'environment:default/payments-production',
  },
});

describe('validateEnvironmentEntity', () => {
  it('accepts the planned shape', () => {
    expect(validateEnvironmentEntity(valid())).toEqual([]);
  });

  it('refuses a missing spec.tier, naming the field', () => {
    const e = valid() as any;
    delete e.spec.tier;
    expect(validateEnvironmentEntity(e)).toEqual([
      { field: 'spec.tier', message: 'spec.tier is required' },
    ]);
  });

  it('refuses an unknown tier and lists the allowed ones', () => {
    const e = valid() as any;
    e.spec.tier = 'qa';
    expect(validateEnvironmentEntity(e)).toEqual([
      {
        field: 'spec.tier',
        message:
          'spec.tier must be one of preview, development, staging, production',
      },
    ]);
  });

  it('refuses metadata.name Prod_Env as a DNS-1123 label', () => {
    const e = valid();
    e.metadata.name = 'Prod_Env';
    const errors = validateEnvironmentEntity(e);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('metadata.name');
    expect(errors[0].message).toContain('is not a valid DNS-1123 label');
  });

  it('reports every problem at once: namespace, owner ref, expiresAt, unknown fields', () => {
    const e = valid() as any;
    e.spec.namespace = 'Payments';
    e.spec.owner = 'group:default/pay ments';
    e.spec.expiresAt = 'tomorrow';
    e.spec.tiers = 'staging';
    const fields = validateEnvironmentEntity(e)
      .map(x => x.field)
      .sort();
    expect(fields).toEqual([
      'spec.expiresAt',
      'spec.namespace',
      'spec.owner',
      'spec.tiers',
    ]);
  });

  it('recognises the kind by apiVersion and kind, case-insensitively', () => {
    expect(isEnvironmentEntity(valid())).toBe(true);
    expect(
      isEnvironmentEntity({
        apiVersion: 'stagecraft.io/v1alpha1',
        kind: 'environment',
      }),
    ).toBe(true);
    expect(
      isEnvironmentEntity({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Environment',
      }),
    ).toBe(false);
  });
});
