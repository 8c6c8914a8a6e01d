import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS } from '../src/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...doc.matchAll(/^\| `(SLUICE_ERR_\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));

test('every error code is documented in docs/errors.md with its status', () => {
  for (const [code, { status }] of Object.entries(ERRORS)) {
    assert.equal(documented.get(code), status, `${code} (${status}) missing or wrong in docs/errors.md`);
  }
});

test('docs/errors.md documents no code that does not exist', () => {
  for (const code of documented.keys()) assert.ok(code in ERRORS, `${code} is documented but not in src/errors.ts`);
});

test('codes follow SLUICE_ERR_<AREA>_<WHAT>', () => {
  for (const code of Object.keys(ERRORS)) assert.match(code, /^SLUICE_ERR_[A-Z]+_[A-Z_]+$/);
});
