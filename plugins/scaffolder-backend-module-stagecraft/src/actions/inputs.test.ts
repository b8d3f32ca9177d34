import { validate } from 'jsonschema';
import { createStagecraftActions } from '../module';

const actions = createStagecraftActions({ client: {} as any });

/** What the scaffolder checks before a step runs: the action's input schema. */
function problems(id: string, input: unknown): string[] {
  const action = actions.find(a => a.id === id)!;
  return validate(input, action.schema!.input as any).errors.map(
    e => `${e.property} ${e.message}`,
  );
}

describe('action inputs', () => {
  it('every action supports dry run, has examples and describes every input', () => {
    for (const action of actions) {
      expect([action.id, action.supportsDryRun]).toEqual([action.id, true]);
      expect(action.examples?.length).toBeGreaterThan(0);
      const props = (action.schema!.input as any).properties as Record<
        string,
        { description?: string }
      >;
      for (const [name, prop] of Object.entries(props)) {
        expect([action.id, name, typeof prop.description]).toEqual([
          action.id,
          name,
          'string',
        ]);
      }
    }
  });

  it('no action takes a token, a cluster URL or a kubeconfig as input', () => {
    for (const action of actions) {
      const names = Object.keys((action.schema!.input as any).properties);
      expect(
        names.filter(n => /token|url|server|kubeconfig|password/i.test(n)),
      ).toEqual([]);
    }
  });

  it.each([
    [
      'stagecraft:deploy',
      { environment: 'dev' },
      'instance requires property "component"',
    ],
    [
      'stagecraft:deploy',
      { component: 'c', environment: 'dev', wait: 'yes' },
      'instance.wait is not of a type(s) boolean',
    ],
    [
      'stagecraft:deploy',
      { component: 'c', environment: 'dev', timeoutSeconds: 99999 },
      'instance.timeoutSeconds must be less than or equal to 1800',
    ],
    [
      'stagecraft:environment:create',
      { name: 'x', type: 'preview' },
      'instance requires property "owner"',
    ],
    [
      'stagecraft:rollback',
      { component: 'c', environment: 'e', revision: 0 },
      'instance.revision must be greater than or equal to 1',
    ],
    [
      'stagecraft:wait',
      { component: 'c' },
      'instance requires property "environment"',
    ],
    [
      'stagecraft:apply',
      { environment: 'e', manifest: 42 },
      'instance.manifest is not of a type(s) string',
    ],
    [
      'stagecraft:config:set',
      { environment: 'e', secrets: { A: 1 } },
      'instance.secrets.A is not of a type(s) string',
    ],
  ])('%s refuses %j, naming the field', (id, input, message) => {
    expect(problems(id, input)).toContain(message);
  });
});
