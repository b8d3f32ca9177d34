#!/usr/bin/env node
// The README's walk-through as a test: every ```sh block that follows a
// `<!-- walkthrough -->` line runs, in order, in one bash (variables carry
// over, as in a person's terminal), against the started demo. `curl` is
// wrapped: any answer outside 2xx fails the block unless the line announces
// it with a trailing `# expect NNN`; `curl -N` (a live stream) is read for a
// few seconds. Prints each block's result and appends "pass|fail
// readme:<block>" to CHECKS_FILE for the summary line.
//
//   node scripts/readme-walkthrough.mjs [README] [CHECKS_FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [readme = 'README.md', checks] = process.argv.slice(2);

/** The marked shell blocks of a Markdown text, with the heading above each. */
export function walkthroughBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.*)/.exec(lines[i]);
    if (h) heading = h[1].trim();
    if (lines[i].trim() !== '<!-- walkthrough -->') continue;
    // prettier puts a blank line after the comment
    while ((lines[i + 1] ?? '').trim() === '' && i + 1 < lines.length) i++;
    if (!/^```(sh|bash)\s*$/.test(lines[i + 1] ?? '')) {
      throw new Error(
        `${readme}:${i + 1}: <!-- walkthrough --> must stand above a \`\`\`sh block`,
      );
    }
    const body = [];
    for (i += 2; i < lines.length && !/^```\s*$/.test(lines[i]); i++) {
      body.push(lines[i]);
    }
    blocks.push({ name: `${blocks.length + 1} ${heading}`, body });
  }
  return blocks;
}

/** A line whose curl announces an answer outside 2xx gets WALK_EXPECT. */
export function annotate(line) {
  const m = /#\s*expect\s+(\d{3})\b/.exec(line);
  return m && /^\s*curl\s/.test(line)
    ? line.replace(/^(\s*)curl\s/, `$1WALK_EXPECT=${m[1]} curl `)
    : line;
}

const PRELUDE = `source ${JSON.stringify(
  path.join(path.dirname(new URL(import.meta.url).pathname), 'walkthrough-curl.sh'),
)}`;

function main() {
  const blocks = walkthroughBlocks(fs.readFileSync(readme, 'utf8'));
  if (!blocks.length) throw new Error(`${readme} has no <!-- walkthrough --> blocks`);
  const script = [
    PRELUDE,
    ...blocks.flatMap(b => [
      `__block ${JSON.stringify(b.name)}`,
      // a block stops at its first failing command, and so does the walk
      'set -e',
      ...b.body.map(annotate),
      'set +e',
      `__done ${JSON.stringify(b.name)}`,
    ]),
  ].join('\n');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'walk-')), 'walkthrough.sh');
  fs.writeFileSync(file, script);
  const run = spawnSync('bash', [file], {
    cwd: path.dirname(path.resolve(readme)),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const output = `${run.stdout ?? ''}`;
  process.stdout.write(output);
  process.stderr.write(run.stderr ?? '');
  const done = new Set(
    [...output.matchAll(/^__WALKTHROUGH_DONE__ (.*)$/gm)].map(m => m[1]),
  );
  let failed = 0;
  const results = blocks.map(b => {
    const ok = done.has(b.name);
    if (!ok) failed++;
    return `${ok ? 'pass' : 'fail'} readme:${b.name.replace(/\s+/g, '-')}`;
  });
  for (const r of results) console.log(`walkthrough: ${r}`);
  if (checks) fs.appendFileSync(checks, `${results.join('\n')}\n`);
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
