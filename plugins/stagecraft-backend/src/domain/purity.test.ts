import fs from 'node:fs';
import path from 'node:path';

/**
 * The domain core is plain TypeScript: no Backstage, HTTP or Kubernetes
 * client imports, so every door reaches the cluster only through its ports.
 * Types of Stagecraft's own node library (its public SPI) are allowed.
 */
const FORBIDDEN = [
  /^@backstage\//,
  /^express/,
  /^@kubernetes\/client-node/,
  /^knex/,
  /^node-fetch/,
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('the domain core', () => {
  it('imports nothing of Backstage, express, knex or the Kubernetes client', () => {
    const offending = sources(__dirname).flatMap(file => {
      const text = fs.readFileSync(file, 'utf8');
      return [...text.matchAll(/from '([^']+)'|import\('([^']+)'\)/g)]
        .map(m => m[1] ?? m[2])
        .filter(spec => FORBIDDEN.some(f => f.test(spec)))
        .map(spec => `${path.relative(__dirname, file)}: ${spec}`);
    });
    expect(offending).toEqual([]);
  });
});
