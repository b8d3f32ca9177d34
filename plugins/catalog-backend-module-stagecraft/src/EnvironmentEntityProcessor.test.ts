import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EnvironmentEntityProcessor } from './EnvironmentEntityProcessor';

const location = { type: 'url', target: 'https://example.com/envs.yaml' };

function env(spec: Record<string, unknown>, name = 'payments-staging'): Entity {
  return {
    apiVersion: 'stagecraft.io/v1alpha1',
    kind: 'Environment',
    metadata: { name, namespace: 'default' },
    spec: {
      tier: 'staging',
      owner: 'group:default/payments',
      cluster: 'local',
      namespace: 'payments-staging',
      ...spec,
    },
  };
}

describe('EnvironmentEntityProcessor', () => {
  const processor = new EnvironmentEntityProcessor();

  it('claims valid Environments and ignores other kinds', async () => {
    await expect(processor.validateEntityKind(env({}))).resolves.toBe(true);
    await expect(
      processor.validateEntityKind({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).resolves.toBe(false);
  });

  it('refuses Prod_Env and a missing tier with messages naming the fields', async () => {
    await expect(
      processor.validateEntityKind(env({}, 'Prod_Env')),
    ).rejects.toThrow(
      /metadata\.name "Prod_Env" is not a valid DNS-1123 label/,
    );
    await expect(
      processor.validateEntityKind(env({ tier: undefined })),
    ).rejects.toThrow(/spec\.tier is required/);
  });

  it('emits ownedBy, partOf and promotesTo relations in both directions', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(
      env({
        system: 'payments',
        promotesTo: 'payments-production',
        owner: 'payments',
      }),
      location,
      emit,
    );
    const relations = emit.mock.calls.map(([r]) => [
      `${r.relation.source.kind}:${r.relation.source.name}`,
      r.relation.type,
      `${r.relation.target.kind}:${r.relation.target.name}`,
    ]);
    expect(relations).toEqual([
      ['Environment:payments-staging', 'ownedBy', 'Group:payments'],
      ['Group:payments', 'ownerOf', 'Environment:payments-staging'],
      ['Environment:payments-staging', 'partOf', 'System:payments'],
      ['System:payments', 'hasPart', 'Environment:payments-staging'],
      [
        'Environment:payments-staging',
        'promotesTo',
        'Environment:payments-production',
      ],
      [
        'Environment:payments-production',
        'promotedFrom',
        'Environment:payments-staging',
      ],
    ]);
  });

  describe('stagecraft.io/deployed-to on a Component', () => {
    const component = (deployedTo?: string, namespace = 'default'): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        namespace,
        ...(deployedTo !== undefined && {
          annotations: { 'stagecraft.io/deployed-to': deployedTo },
        }),
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    });

    async function relationsOf(entity: Entity) {
      const emit = jest.fn();
      await expect(
        processor.postProcessEntity(entity, location, emit),
      ).resolves.toBe(entity);
      return emit.mock.calls.map(([r]) => {
        expect(r.type).toBe('relation');
        return [
          stringifyEntityRef(r.relation.source),
          r.relation.type,
          stringifyEntityRef(r.relation.target),
        ];
      });
    }

    it('emits deployedTo and hasDeployment for every listed environment', async () => {
      await expect(
        relationsOf(
          component(
            ' payments-dev ,, environment:default/payments-staging,\n payments-dev ,',
          ),
        ),
      ).resolves.toEqual([
        [
          'component:default/checkout',
          'deployedTo',
          'environment:default/payments-dev',
        ],
        [
          'environment:default/payments-dev',
          'hasDeployment',
          'component:default/checkout',
        ],
        [
          'component:default/checkout',
          'deployedTo',
          'environment:default/payments-staging',
        ],
        [
          'environment:default/payments-staging',
          'hasDeployment',
          'component:default/checkout',
        ],
      ]);
    });

    it('resolves bare names in the default namespace for components elsewhere', async () => {
      await expect(
        relationsOf(component('payments-dev', 'payments')),
      ).resolves.toEqual([
        [
          'component:payments/checkout',
          'deployedTo',
          'environment:default/payments-dev',
        ],
        [
          'environment:default/payments-dev',
          'hasDeployment',
          'component:payments/checkout',
        ],
      ]);
    });

    it('emits nothing without the annotation or with only blanks', async () => {
      await expect(relationsOf(component())).resolves.toEqual([]);
      await expect(relationsOf(component(' , ,'))).resolves.toEqual([]);
    });

    it('ignores the annotation on other kinds', async () => {
      const api = { ...component('payments-dev'), kind: 'API' };
      await expect(relationsOf(api)).resolves.toEqual([]);
    });

    it('refuses references to other kinds, naming the annotation and item', async () => {
      await expect(
        processor.postProcessEntity(
          component('payments-dev, component:default/db'),
          location,
          jest.fn(),
        ),
      ).rejects.toThrow(
        'Invalid stagecraft.io/deployed-to annotation on component:default/checkout: "component:default/db" is not an Environment entity reference',
      );
    });
  });
});
