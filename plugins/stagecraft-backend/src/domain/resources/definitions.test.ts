import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import {
  checkDefinitions,
  matchDefinition,
  mergeDefinitions,
  ResolvedDefinition,
} from './definitions';
import { builtinDrivers } from './drivers';

const drivers = new Map<string, ResourceDriver>(
  builtinDrivers().map(d => [d.name, d]),
);
const pg = { template: 'postgres' };
const existing = {
  secretName: 'db',
  outputs: { uri: { secretKey: 'uri' } },
};

const defs = checkDefinitions(
  [
    { id: 'any', type: 'postgres', driver: 'manifests', params: pg },
    {
      id: 'prod',
      type: 'postgres',
      environmentType: 'production',
      driver: 'existing',
      params: existing,
    },
    {
      id: 'checkout',
      type: 'postgres',
      component: 'checkout',
      driver: 'manifests',
      params: pg,
    },
    {
      id: 'checkout-prod-eu',
      type: 'postgres',
      environment: 'prod-eu',
      driver: 'existing',
      params: existing,
    },
    {
      id: 'large',
      type: 'postgres',
      class: 'large',
      driver: 'existing',
      params: existing,
    },
  ],
  drivers,
  'stagecraft.resources.definitions',
  'config',
);

const query = (over: Partial<Parameters<typeof matchDefinition>[1]> = {}) => ({
  type: 'postgres',
  class: 'default',
  environment: 'shop-dev',
  environmentType: 'development',
  component: 'component:default/orders',
  ...over,
});

describe('matchDefinition', () => {
  it('picks the most specific match: class, then environment, component, environment type', () => {
    const id = (q: ReturnType<typeof query>) => matchDefinition(defs, q)?.id;
    expect(id(query())).toBe('any');
    expect(id(query({ environmentType: 'production' }))).toBe('prod');
    expect(id(query({ component: 'component:default/checkout' }))).toBe(
      'checkout',
    );
    // component beats environment type
    expect(
      id(
        query({
          component: 'component:default/checkout',
          environmentType: 'production',
        }),
      ),
    ).toBe('checkout');
    // environment beats component and environment type
    expect(
      id(
        query({
          environment: 'prod-eu',
          environmentType: 'production',
          component: 'component:default/checkout',
        }),
      ),
    ).toBe('checkout-prod-eu');
    expect(id(query({ class: 'large', environment: 'prod-eu' }))).toBe('large');
  });

  it('matches nothing for an unknown type', () => {
    expect(matchDefinition(defs, query({ type: 'mongodb' }))).toBeUndefined();
  });

  it('normalises component criteria to entity refs', () => {
    expect(defs.find(d => d.id === 'checkout')?.component).toBe(
      'component:default/checkout',
    );
  });
});

describe('checkDefinitions', () => {
  const check = (input: unknown[]) =>
    checkDefinitions(
      input,
      drivers,
      'stagecraft.resources.definitions',
      'config',
    );
  const messages = (input: unknown[]) => {
    try {
      check(input);
      return [];
    } catch (e) {
      return (e as { errors: Array<{ message: string }> }).errors.map(
        x => x.message,
      );
    }
  };

  it('names every bad field', () => {
    expect(
      messages([
        { type: 'Post gres', driver: 'manifests', params: pg },
        { type: 'redis', driver: 'helm' },
        {
          type: 'pg',
          driver: 'existing',
          params: { outputs: { uri: { secretKey: 'uri' } } },
        },
        {
          type: 'pg',
          driver: 'manifests',
          params: { template: 'oracle' },
          environmentType: 'Prod',
        },
        {
          type: 'pg',
          driver: 'claim',
          params: { kind: 'x', outputs: {} },
          extra: 1,
        },
      ]),
    ).toEqual([
      'stagecraft.resources.definitions[0].type must be 1-63 letters, digits and "-" (got "Post gres")',
      'stagecraft.resources.definitions[1].driver "helm" is not a registered driver (claim, existing, manifests)',
      'stagecraft.resources.definitions[2].secretName is required when an output has secretKey',
      expect.stringContaining(
        'stagecraft.resources.definitions[3].environmentType',
      ),
      'stagecraft.resources.definitions[3].template must be one of postgres, mysql, mongodb, redis, mssql, elasticsearch, volume, amqp, kafka-topic, s3, service-port, route, http-route, dns, environment',
      'stagecraft.resources.definitions[4].extra is not a known field',
      'stagecraft.resources.definitions[4].apiVersion must be a group/version, e.g. database.example.org/v1alpha1',
      'stagecraft.resources.definitions[4].kind must be a Kubernetes kind, e.g. PostgreSQLInstance',
      'stagecraft.resources.definitions[4].outputs must be an object of output name → value',
    ]);
  });

  it('refuses two definitions with the same criteria', () => {
    expect(
      messages([
        { id: 'a', type: 'pg', driver: 'manifests', params: pg },
        { id: 'b', type: 'pg', driver: 'manifests', params: pg },
      ]),
    ).toEqual([
      'stagecraft.resources.definitions: "b" has the same type and criteria as "a"; keep one',
    ]);
  });

  it('lets module definitions override configured ones with the same criteria', () => {
    const fromModule: ResolvedDefinition[] = checkDefinitions(
      [{ id: 'mine', type: 'postgres', driver: 'existing', params: existing }],
      drivers,
      'module',
      'module',
    );
    const merged = mergeDefinitions(defs, fromModule);
    expect(merged.map(d => d.id)).not.toContain('any');
    expect(matchDefinition(merged, query())?.id).toBe('mine');
  });
});
