// usage: yarn why <pkg> | node why.mjs <pkg>
// Reads `yarn why` of one package: prints each version with the packages that
// pull it in, and exits 1 when a version is pulled in only by @stagecraft/*
// packages (a copy Stagecraft adds to the app). A duplicate the app has without
// Stagecraft (one of Backstage's own packages on an older range) is reported,
// not failed.
import fs from 'node:fs';
const pkg = process.argv[2];
const byVersion = new Map();
let parent;
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  const p = /^[├└]─ (\S+?)(?:@(?:npm|file|workspace|virtual|patch)[:\S]*)?( \[\w+\])?$/.exec(line);
  if (p) parent = p[1];
  const v = new RegExp(`└─ ${pkg.replace('/', '\\/')}@npm:(\\S+)`).exec(line);
  if (v && parent) {
    if (!byVersion.has(v[1])) byVersion.set(v[1], new Set());
    byVersion.get(v[1]).add(parent);
  }
}
let stagecraftOnly = 0;
for (const [version, parents] of byVersion) {
  const all = [...parents];
  const own = all.every(p => p.startsWith('@stagecraft/'));
  if (byVersion.size > 1 && own) stagecraftOnly++;
  console.log(`    ${version}: ${own && byVersion.size > 1 ? 'ONLY via Stagecraft: ' : 'via '}${all.slice(0, 6).join(', ')}${all.length > 6 ? ` and ${all.length - 6} more` : ''}`);
}
process.exit(stagecraftOnly ? 1 : 0);
