import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigReader } from '@backstage/config';
import type { ResourceDriver } from '@stagecraft/backstage-plugin-stagecraft-node';
import { matchDefinition } from './domain/resources/definitions';
import { readResourceDefinitions, resourceDrivers } from './resourceConfig';

const appConfig = parse(
  fs.readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
);

const query = (type: string, environmentType: string) => ({
  type,
  class: 'default',
  environment: 'payments-x',
  environmentType,
  component: 'component:default/checkout',
});

describe('resource configuration', () => {
  it("app-config.yaml's definitions load: manifests everywhere but production, existing there", () => {
    const drivers = resourceDrivers([]);
    const defs = readResourceDefinitions(
      new ConfigReader(appConfig),
      drivers,
      [],
    );
    for (const type of [
      'postgres',
      'redis',
      'mysql',
      'mongodb',
      'amqp',
      'kafka-topic',
      's3',
    ]) {
      for (const env of ['preview', 'development', 'staging']) {
        expect(matchDefinition(defs, query(type, env))?.driver).toBe(
          'manifests',
        );
      }
      expect(matchDefinition(defs, query(type, 'production'))?.driver).toBe(
        'existing',
      );
    }
    // address presets apply everywhere; environment values differ in production
    for (const type of ['route', 'dns', 'service-port', 'environment']) {
      for (const env of ['development', 'production']) {
        expect(matchDefinition(defs, query(type, env))?.driver).toBe(
          'manifests',
        );
      }
    }
    expect(
      matchDefinition(defs, query('environment', 'production'))?.params,
    ).toEqual({ template: 'environment', defaults: { LOG_LEVEL: 'info' } });
  });

  it('modules add drivers and definitions that override configured ones', () => {
    const custom: ResourceDriver = {
      name: 'vault',
      provision: async () => [],
      outputs: async () => ({}),
      status: async () => ({ ready: true }),
      deprovision: async () => {},
    };
    const drivers = resourceDrivers([custom]);
    expect([...drivers.keys()].sort()).toEqual([
      'claim',
      'existing',
      'manifests',
      'vault',
    ]);
    const defs = readResourceDefinitions(new ConfigReader(appConfig), drivers, [
      {
        id: 'pg-vault',
        type: 'postgres',
        environmentType: 'production',
        driver: 'vault',
      },
    ]);
    expect(matchDefinition(defs, query('postgres', 'production'))?.id).toBe(
      'pg-vault',
    );
    expect(() => resourceDrivers([custom, custom])).toThrow(
      'two modules add a Stagecraft resource driver named "vault"',
    );
  });

  it('fails start-up on a bad definition, naming the field', () => {
    expect(() =>
      readResourceDefinitions(
        new ConfigReader({
          stagecraft: {
            resources: { definitions: [{ type: 'postgres', driver: 'helm' }] },
          },
        }),
        resourceDrivers([]),
        [],
      ),
    ).toThrow(
      'stagecraft.resources.definitions[0].driver "helm" is not a registered driver (claim, existing, manifests)',
    );
  });
});
