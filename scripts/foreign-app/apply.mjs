// usage: node apply.mjs <new|legacy> <appDir> <tarballDir> <repoRoot>
// Wires Stagecraft into an app made by @backstage/create-app exactly as the
// plugins' READMEs say: it reads the code blocks between
// <!-- install:NAME --> and <!-- /install:NAME --> and applies them
// mechanically (no Stagecraft line is written here that is not in a README).
// The packed tarballs stand in for the registry: root `resolutions` map every
// @stagecraft/* package to its tarball, so inter-package deps resolve to them.
import fs from 'node:fs';
import path from 'node:path';

const [flavor, appDir, tgzDir, repo] = process.argv.slice(2);
if (!['new', 'legacy'].includes(flavor) || !appDir || !tgzDir || !repo) {
  console.error('usage: node apply.mjs <new|legacy> <appDir> <tarballDir> <repoRoot>');
  process.exit(2);
}
const applied = [];
const fail = msg => {
  console.error(`foreign-app: ${msg}`);
  process.exit(1);
};

// every install:NAME block of every plugin README → { lang, code }
const snippets = {};
for (const plugin of fs.readdirSync(path.join(repo, 'plugins'))) {
  const readme = path.join(repo, 'plugins', plugin, 'README.md');
  if (!fs.existsSync(readme)) continue;
  const text = fs.readFileSync(readme, 'utf8');
  const re = /<!-- install:([\w-]+) -->([\s\S]*?)<!-- \/install:\1 -->/g;
  for (const m of text.matchAll(re)) {
    const block = /```(\w*)\n([\s\S]*?)```/.exec(m[2]);
    if (!block) fail(`${readme}: install:${m[1]} has no code block`);
    snippets[m[1]] = { lang: block[1], code: block[2], readme: `plugins/${plugin}/README.md` };
  }
}
const snippet = name => snippets[name] ?? fail(`no <!-- install:${name} --> snippet in any plugin README`);
const readJson = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, v) => fs.writeFileSync(f, `${JSON.stringify(v, null, 2)}\n`);
const edit = (rel, fn) => {
  const f = path.join(appDir, rel);
  const before = fs.readFileSync(f, 'utf8');
  const after = fn(before);
  if (after === before) fail(`${rel}: nothing changed`);
  fs.writeFileSync(f, after);
};

// 1. tarballs: name → file
const tarballs = {};
for (const f of fs.readdirSync(tgzDir).filter(f => f.endsWith('.tgz'))) {
  const name = execPkgName(path.join(tgzDir, f));
  tarballs[name] = path.join(tgzDir, f);
}
function execPkgName(file) {
  // the tarballs are named <scope>-<name>-<version>.tgz by `yarn pack -o %s-%v.tgz`
  const base = path.basename(file).replace(/-\d+\.\d+\.\d+(-[\w.]+)?\.tgz$/, '');
  return base.replace(/^@([^-]+)-/, '@$1/');
}
if (Object.keys(tarballs).length !== 6) fail(`expected 6 tarballs in ${tgzDir}, found ${Object.keys(tarballs).length}`);

const rootPkg = readJson(path.join(appDir, 'package.json'));
rootPkg.resolutions = rootPkg.resolutions ?? {};
for (const [name, file] of Object.entries(tarballs)) rootPkg.resolutions[name] = `file:${file}`;
// registry workarounds of this machine (shared/TOOLCHAIN.md: platform packages
// missing from the reachable registry), the same pins as the repository's root
for (const [k, v] of Object.entries(readJson(path.join(repo, 'package.json')).resolutions ?? {})) {
  if (['@swc/core', 'rollup', 'unrs-resolver', '@yarnpkg/core'].includes(k)) rootPkg.resolutions[k] = v;
}
writeJson(path.join(appDir, 'package.json'), rootPkg);
applied.push(`root resolutions: ${Object.keys(tarballs).length} @stagecraft/* packages → packed tarballs`);

// 2. the `yarn --cwd <dir> add <pkg>` lines of every *-add snippet: the
// dependency goes into <dir>/package.json (the version range is the tarball's;
// `yarn install` then resolves it through the resolutions above)
for (const [name, s] of Object.entries(snippets).filter(([n]) => n.endsWith('-add'))) {
  for (const line of s.code.split('\n').filter(l => l.trim())) {
    const m = /^yarn --cwd (\S+) add (\S+)$/.exec(line.trim());
    if (!m) fail(`${s.readme} install:${name}: not a "yarn --cwd <dir> add <pkg>" line: ${line}`);
    const [, dir, pkg] = m;
    if (!tarballs[pkg]) fail(`${s.readme} install:${name}: ${pkg} is not one of the packed packages`);
    if (dir === 'packages/app' || dir === 'packages/backend') {
      const f = path.join(appDir, dir, 'package.json');
      const p = readJson(f);
      p.dependencies[pkg] = `^${/-(\d+\.\d+\.\d+(?:-[\w.]+)?)\.tgz$/.exec(tarballs[pkg])[1]}`;
      p.dependencies = Object.fromEntries(Object.entries(p.dependencies).sort(([a], [b]) => a.localeCompare(b)));
      writeJson(f, p);
      applied.push(`${dir}/package.json: ${pkg} (install:${name})`);
    } else fail(`${s.readme} install:${name}: unknown workspace ${dir}`);
  }
}

// 3. backend: every backend.add(...) snippet before backend.start(); imports hoisted
const backendSnippets = ['backend', 'catalog', 'scaffolder', 'backend-policy'];
edit('packages/backend/src/index.ts', src => {
  const imports = [];
  const body = [];
  for (const name of backendSnippets) {
    const code = snippet(name).code;
    const lines = code.split('\n');
    let i = 0;
    while (i < lines.length) {
      if (/^import\b/.test(lines[i])) {
        let stmt = lines[i];
        while (!/;\s*$/.test(stmt)) stmt += `\n${lines[++i]}`;
        imports.push(stmt);
      } else if (lines[i].trim()) body.push(lines[i]);
      i++;
    }
    applied.push(`packages/backend/src/index.ts: install:${name} of ${snippet(name).readme}`);
  }
  if (backendSnippets.includes('backend-policy')) {
    // the README: "It replaces the app's policy module: remove …allow-all-policy"
    const allowAll = /backend\.add\(\s*import\('@backstage\/plugin-permission-backend-module-allow-all-policy'\),?\s*\);\n/;
    if (!allowAll.test(src)) fail('packages/backend/src/index.ts: the allow-all policy module line was not found');
    src = src.replace(allowAll, '');
    applied.push('packages/backend/src/index.ts: removed the allow-all policy module (README of the backend)');
  }
  if (!src.includes('backend.start();')) fail('packages/backend/src/index.ts: no backend.start();');
  src = src.replace('backend.start();', `${body.join('\n')}\n\nbackend.start();`);
  const firstImport = src.search(/^import /m);
  return `${src.slice(0, firstImport)}${imports.join('\n')}\n${src.slice(firstImport)}`;
});

// 4. frontend
if (flavor === 'new') {
  // install:frontend-new: its import lines, and the entries of its features list
  const code = snippet('frontend-new').code;
  const imports = code.split('\n').filter(l => /^import\b/.test(l));
  const features = /features:\s*\[([\s\S]*?)\]/.exec(code)?.[1]
    .split('\n')
    .map(l => l.trim().replace(/,$/, ''))
    .filter(l => l && !l.startsWith('//'));
  if (!imports.length || !features?.length) fail('install:frontend-new: expected import lines and a features: [...] list');
  edit('packages/app/src/App.tsx', src => {
    const m = /features:\s*\[([^\]]*)\]/.exec(src);
    if (!m) fail('packages/app/src/App.tsx: no features: [...]');
    const list = `features: [${m[1].replace(/,?\s*$/, '')}, ${features.join(', ')}]`;
    return `${imports.join('\n')}\n${src.replace(m[0], list)}`;
  });
  applied.push('packages/app/src/App.tsx: install:frontend-new (import + features entry)');
} else {
  legacyFrontend();
}

// 5. config: the README's example as a config file of its own (its cluster's
// url and caFile are the example's placeholders; the test's cluster replaces them)
let config = snippet('config').code;
config = config
  .replace(/url: https:\/\/127\.0\.0\.1:6443/, 'url: ${STAGECRAFT_CLUSTER_URL}')
  .replace(/caFile: \/path\/to\/ca\.crt/, 'caFile: ${STAGECRAFT_CLUSTER_CA_FILE}');
if (!config.includes('${STAGECRAFT_CLUSTER_URL}') || !config.includes('${STAGECRAFT_CLUSTER_CA_FILE}'))
  fail('install:config: the example cluster url/caFile placeholders changed; update scripts/foreign-app/apply.mjs');
fs.writeFileSync(path.join(appDir, 'app-config.stagecraft.yaml'), config);
applied.push(`app-config.stagecraft.yaml: install:config of ${snippet('config').readme}`);

for (const line of applied) console.log(`applied: ${line}`);

function legacyFrontend() {
  // install:frontend-legacy-entity-page and install:frontend-legacy-app; each
  // snippet's "// ..." comment lines say where the lines after them go
  const s = snippet('frontend-legacy-entity-page').code;
  const sections = splitSections(s);
  edit('packages/app/src/components/catalog/EntityPage.tsx', src => {
    src = `${sections.imports}\n${src}`;
    for (const [where, code] of sections.parts) {
      if (/^in serviceEntityPage/.test(where)) {
        // the tabs: into every page the comment names, before its closing </EntityLayout>
        for (const page of where.match(/\b\w+EntityPage\b/g)) {
          const start = src.indexOf(`const ${page} = (`);
          if (start < 0) fail(`EntityPage.tsx: no const ${page}`);
          const end = src.indexOf('</EntityLayout>', start);
          src = insertBefore(src, end, code, '  ');
        }
      } else if (/^a page for Environment entities/.test(where)) {
        const at = src.indexOf('export const entityPage');
        if (at < 0) fail('EntityPage.tsx: no export const entityPage');
        src = `${src.slice(0, at)}${code}\n\n${src.slice(at)}`;
      } else if (/^in entityPage's EntitySwitch, before the default case/.test(where)) {
        const at = src.indexOf('export const entityPage');
        const def = src.indexOf('<EntitySwitch.Case>{defaultEntityPage}', at);
        if (def < 0) fail('EntityPage.tsx: no default case in entityPage');
        src = insertBefore(src, def, code);
      } else fail(`install:frontend-legacy-entity-page: unknown section "// ${where}"`);
    }
    return src;
  });
  applied.push('packages/app/src/components/catalog/EntityPage.tsx: install:frontend-legacy-entity-page');
  const a = splitSections(snippet('frontend-legacy-app').code);
  edit('packages/app/src/App.tsx', src => {
    src = `${a.imports}\n${src}`;
    for (const [where, code] of a.parts) {
      if (!/^inside <FlatRoutes>/.test(where)) fail(`install:frontend-legacy-app: unknown section "// ${where}"`);
      const at = src.indexOf('</FlatRoutes>');
      if (at < 0) fail('App.tsx: no </FlatRoutes>');
      src = insertBefore(src, at, code.replace(/;\s*$/, ''), '  ');
    }
    return src;
  });
  applied.push('packages/app/src/App.tsx: install:frontend-legacy-app');
}

// code inserted as whole lines before the line holding src[at], indented like it (plus extra)
function insertBefore(src, at, code, extra = '') {
  const lineStart = src.lastIndexOf('\n', at - 1) + 1;
  const indent = /^\s*/.exec(src.slice(lineStart))[0] + extra;
  const block = code.split('\n').map(l => (l ? indent + l : l)).join('\n');
  return `${src.slice(0, lineStart)}${block}\n${src.slice(lineStart)}`;
}

function splitSections(code) {
  const lines = code.split('\n');
  const imports = [];
  const parts = [];
  let i = 0;
  while (i < lines.length && !/^\/\/ /.test(lines[i])) {
    imports.push(lines[i]);
    i++;
  }
  for (; i < lines.length; i++) {
    const m = /^\/\/ (.*?):?$/.exec(lines[i]);
    if (m) parts.push([m[1], []]);
    else parts.at(-1)[1].push(lines[i]);
  }
  return { imports: imports.join('\n').trim(), parts: parts.map(([w, l]) => [w, l.join('\n').trim()]) };
}
