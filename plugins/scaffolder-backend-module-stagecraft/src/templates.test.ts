import fs from 'node:fs';
import path from 'node:path';
import { Validator } from 'jsonschema';
import { parse } from 'yaml';
import { createStagecraftActions } from './module';

const templatesDir = path.resolve(__dirname, '../../../templates');

/** The shipped software templates use only actions this module provides, with valid input. */
describe('templates/', () => {
  const registered = new Map(
    createStagecraftActions({ client: {} as any }).map(a => [a.id, a]),
  );
  const templates = fs
    .readdirSync(templatesDir)
    .filter(d => fs.existsSync(path.join(templatesDir, d, 'template.yaml')));

  it('ships the four templates, each registered in app-config.yaml', () => {
    expect(templates.sort()).toEqual([
      'new-environment',
      'preview-environment',
      'promote-release',
      'stagecraft-service',
    ]);
    const appConfig = fs.readFileSync(
      path.resolve(templatesDir, '../app-config.yaml'),
      'utf8',
    );
    for (const t of templates) {
      expect(appConfig).toContain(`../../templates/${t}/template.yaml`);
    }
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
        if (action.startsWith('stagecraft:') || action === 'kubernetes:apply') {
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
      expect(
        template.spec.steps.some((s: any) =>
          String(s.action).startsWith('stagecraft:'),
        ),
      ).toBe(true);
      // what the run created is listed on the task
      expect(template.spec.output.text?.[0]?.content).toMatch(/\$\{\{/);
      expect(problems).toEqual([]);
    },
  );
});

/**
 * Each template's parameter pages validated as the scaffolder validates a
 * task's values (jsonschema, `dependencies`/`oneOf` as the Create page's form
 * reads them): a field is required only on the branch that uses it.
 */
describe('templates/ forms, branch by branch', () => {
  const validator = new Validator();
  const pages = (name: string) =>
    parse(
      fs.readFileSync(path.join(templatesDir, name, 'template.yaml'), 'utf8'),
    ).spec.parameters as object[];
  const missing = (schema: object, data: object) => {
    const { errors } = validator.validate(data, schema as any, {
      nestedErrors: true,
    });
    return [
      ...new Set(
        errors.filter(e => e.name === 'required').map(e => String(e.argument)),
      ),
    ];
  };

  it('New service: the local publish target needs no GitHub repository; GitHub needs one', () => {
    const where = pages('stagecraft-service')[1];
    expect(missing(where, { publishTarget: 'local' })).toEqual([]);
    expect(missing(where, { publishTarget: 'github' })).toEqual(['repoUrl']);
    expect(
      missing(where, {
        publishTarget: 'github',
        repoUrl: 'github.com?owner=acme&repo=svc',
      }),
    ).toEqual([]);
  });
});
