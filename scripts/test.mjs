#!/usr/bin/env node
// `pnpm test`: type-check, lint, server + journey tests (node:test, real
// HTTP/ffmpeg/nginx/Chromium) and browser tests (@web/test-runner on Debian
// Chromium). Ends with one line `N passed, N failed` adding them all up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensure } from './system-deps.mjs';
import { ensureFixtures } from './fixtures.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.slice(2); // optional: file filters (substrings)
let passed = 0;
let failed = 0;
const failures = [];

function step(name, cmd, args, env = {}) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}
function count(name, ok) {
  if (ok) passed += 1; else { failed += 1; failures.push(name); }
}
function listTests(dir, re) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...listTests(p, re));
    else if (re.test(entry)) out.push(p);
  }
  return out.sort();
}
const bin = (name) => join(root, 'node_modules', '.bin', name);
const wanted = (f) => only.length === 0 || only.some((o) => f.includes(o));

ensure(['ffmpeg', 'chromium', 'nginx', 'postgresql', 'redis', 'python']);
const fixtures = ensureFixtures();
const env = { SLUICE_TEST_FIXTURES: fixtures, NODE_ENV: 'test' };

// Every package resolves @sluice/protocol to its built dist/ (as an installed
// package would); build it first so tests never run a stale copy.
if (!step('build @sluice/protocol', bin('tsc'), ['-b', 'packages/protocol'])) count('build @sluice/protocol', false);

if (only.length === 0) {
  count('typecheck (tsc -b, test/, bench/, demo/)', step('typecheck: tsc -b && tsc -p test && tsc -p bench && tsc -p demo', 'sh', ['-c', `${bin('tsc')} -b && ${bin('tsc')} -p test && ${bin('tsc')} -p bench && ${bin('tsc')} -p demo`]));
  count('lint (eslint)', step('lint: eslint', bin('eslint'), ['.', '--max-warnings=0']));
}

// Node tests: protocol and server units/integration, cross-package journeys.
const nodeTests = [
  ...listTests(join(root, 'packages', 'protocol', 'test'), /\.test\.ts$/),
  ...listTests(join(root, 'packages', 'server', 'test'), /\.test\.ts$/),
  ...listTests(join(root, 'test'), /\.test\.ts$/),
].filter(wanted).map((f) => relative(root, f));
if (nodeTests.length) {
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-test-')), 'node.json');
  step(`node tests (${nodeTests.length} files)`, process.execPath, [
    '--import', 'tsx', '--test', '--test-timeout=600000', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'count-reporter.mjs')}`, `--test-reporter-destination=${out}`,
    ...nodeTests,
  ], env);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8') || '{"passed":0,"failed":1,"failures":["node tests: no report"]}');
    passed += r.passed; failed += r.failed; failures.push(...r.failures);
  } else count('node tests: reporter wrote nothing', false);
}

// Browser tests: each package's test/*.test.ts in real Chromium.
const browserTests = [
  ...listTests(join(root, 'packages', 'player', 'test'), /\.test\.ts$/),
  ...listTests(join(root, 'packages', 'uploader', 'test'), /\.test\.ts$/),
].filter(wanted).map((f) => relative(root, f));
if (browserTests.length) {
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-wtr-')), 'wtr.json');
  const ok = step(`browser tests (${browserTests.length} files)`, bin('wtr'), ['--config', 'web-test-runner.config.mjs', ...browserTests], { ...env, SLUICE_WTR_REPORT: out });
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed += r.passed; failed += r.failed; failures.push(...r.failures);
    if (!ok && r.failed === 0) count('browser tests: runner failed', false);
  } else count('browser tests: runner wrote no report', false);
}

if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
