import fs from 'node:fs';
import path from 'node:path';

/**
 * One contract: the request and response types of the HTTP API are written
 * once, here (stagecraft-common). The router, the node client, the frontend
 * client and the domain import them; none declares a type of the same name
 * again (a second, drifting copy is how `DriftedField` once existed twice).
 */
const plugins = path.resolve(__dirname, '../..');

function declared(dir: string): Array<{ file: string; name: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // the backend's models generated from openapi.yaml are the spec's
      // copy, never imported by the code: src/schema/commonFitsSpec.ts
      // makes the type check fail when one of these types drifts from them
      return e.name === 'node_modules' ||
        e.name.startsWith('__') ||
        p.endsWith(path.join('schema', 'openapi', 'generated'))
        ? []
        : declared(p);
    }
    if (!/\.tsx?$/.test(e.name) || /\.test\.tsx?$/.test(e.name)) return [];
    const text = fs.readFileSync(p, 'utf8');
    return [
      ...text.matchAll(/^export (?:interface|type) ([A-Z][A-Za-z0-9]*)\b/gm),
    ].map(m => ({ file: path.relative(plugins, p), name: m[1] }));
  });
}

describe('the HTTP contract', () => {
  it('no request/response type of stagecraft-common is declared again elsewhere', () => {
    const contract = new Set(declared(__dirname).map(d => d.name));
    expect(contract.size).toBeGreaterThan(50);
    const elsewhere = [
      'stagecraft/src',
      'stagecraft-node/src',
      'stagecraft-backend/src',
      'scaffolder-backend-module-stagecraft/src',
      'catalog-backend-module-stagecraft/src',
    ].flatMap(dir => declared(path.join(plugins, dir)));
    expect(
      elsewhere
        .filter(d => contract.has(d.name))
        .map(d => `${d.file}: ${d.name}`),
    ).toEqual([]);
  });
});
