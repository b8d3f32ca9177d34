// usage: node scripts/summarize.mjs CHECKS_FILE JEST_JSON...
// Prints one line "N passed, N failed" from the real results: each line of
// CHECKS_FILE is "pass <name>" or "fail <name>" (type check, lint, a stage that
// could not run), and each Jest --json report adds its tests. A test suite that
// failed to run at all counts as one failure. Above that line, each failed
// test with the first lines of its message (what CI's printout keeps).
import fs from 'node:fs';

/** A failed test and the first lines of its message, stack frames left out. */
function failure(name, messages = []) {
  const lines = messages
    .join('\n')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter(l => l.trim() && !/^\s+at /.test(l))
    .slice(0, 12)
    .map(l => `    ${l.slice(0, 300)}`);
  console.log(`failed: ${name}\n${lines.join('\n')}`);
}

const [checksFile, ...reports] = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const line of fs.readFileSync(checksFile, 'utf8').split('\n').filter(Boolean)) {
  if (line.startsWith('pass ')) passed++;
  else failed++;
}
for (const report of reports) {
  if (!fs.existsSync(report)) {
    console.error(`missing Jest report ${report}`);
    failed++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && !suite.assertionResults?.length)
      failure(suite.name, [suite.message]);
    for (const a of suite.assertionResults ?? [])
      if (a.status === 'failed') failure(a.fullName, a.failureMessages);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
