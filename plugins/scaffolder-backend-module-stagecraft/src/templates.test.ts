import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createClusterCheckAction } from './actions/clusterCheck';
import { createEnvironmentCreateAction } from './actions/environmentCreate';
import { createDeployAction } from './actions/deploy';

const templatesDir = path.resolve(__dirname, '../../../templates');

/** The shipped software templates use only actions this module provides, with valid input. */
describe('templates/', () => {
  const registered = new Map(
    [
      createClusterCheckAction({ client: { getHealth: jest.fn() } }),
      createEnvironmentCreateAction({
        client: { createEnvironment: jest.fn() },
      }),
      createDeployAction({
        client: { deploy: jest.fn(), getDeployments: jest.fn() },
      }),
    ].map(a => [a.id, a]),
  );
  const templates = fs
    .readdirSync(templatesDir)
    .filter(d => fs.existsSync(path.join(templatesDir, d, 'template.yaml')));

  it('ships at least one template', () => {
    expect(templates).toContain('stagecraft-service');
  });

  it.each(templates)(
    '%s: every stagecraft step names a real action and a skeleton that exists',
    name => {
      const template = parse(
        fs.readFileSync(path.join(templatesDir, name, 'template.yaml'), 'utf8'),
      );
      const problems: string[] = [];
      for (const step of template.spec.steps) {
        const action = String(step.action);
        if (action.startsWith('stagecraft:')) {
          const registeredAction = registered.get(action);
          const schema = registeredAction?.schema?.input as any;
          const known = Object.keys(schema?.shape ?? schema?.properties ?? {});
          if (!registeredAction)
            problems.push(`${step.id}: unknown action ${action}`);
          for (const key of Object.keys(step.input ?? {})) {
            if (!known.includes(key))
              problems.push(`${step.id}: unknown input ${key}`);
          }
        }
        if (
          action === 'fetch:template' &&
          !fs.existsSync(path.join(templatesDir, name, step.input.url))
        ) {
          problems.push(`${step.id}: skeleton ${step.input.url} missing`);
        }
      }
      expect(template.kind).toBe('Template');
      expect(template.spec.steps.map((s: any) => s.action)).toContain(
        'stagecraft:cluster:check',
      );
      expect(problems).toEqual([]);
    },
  );
});
