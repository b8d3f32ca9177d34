import { Entity } from '@backstage/catalog-model';
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
});
