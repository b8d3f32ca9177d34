import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createClusterCheckAction } from './actions/clusterCheck';

const templatesDir = path.resolve(__dirname, '../../../templates');

/** The shipped software templates use only actions this module provides, with valid input. */
describe('templates/', () => {
  const registered = new Map(
    [createClusterCheckAction({ client: { getHealth: jest.fn() } })].map(a => [
      a.id,
      a,
    ]),
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
      expect(template.kind).toBe('Template');
      for (const step of template.spec.steps) {
        if (String(step.action).startsWith('stagecraft:')) {
          expect(registered.has(step.action)).toBe(true);
          const schema = registered.get(step.action)!.schema?.input as any;
          const known = Object.keys(schema?.shape ?? schema?.properties ?? {});
          for (const key of Object.keys(step.input ?? {})) {
            expect(`${step.action} ${key}`).toBe(
              `${step.action} ${known.includes(key) ? key : '(unknown input)'}`,
            );
          }
        }
        if (step.action === 'fetch:template') {
          expect(
            fs.existsSync(path.join(templatesDir, name, step.input.url)),
          ).toBe(true);
        }
      }
    },
  );
});
