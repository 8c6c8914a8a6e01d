/**
 * docs/errors.md documents every code of every package, each in its
 * package's section, and nothing else: "Answered by the server" with each
 * code's HTTP status, "Raised by `<video-stream-player>`" and "Raised by
 * `<chunked-uploader>`".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PLAYER_ERRORS, SERVER_ERRORS, UPLOADER_ERRORS } from '../src/index.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const SERVER = '## Answered by the server';
const PLAYER = '## Raised by `<video-stream-player>`';
const UPLOADER = '## Raised by `<chunked-uploader>`';

/** The text of the section that starts with `heading`, up to the next `## `. */
function section(heading: string): string {
  const start = doc.indexOf(heading);
  assert.notEqual(start, -1, `docs/errors.md has no "${heading}" section`);
  const next = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, next === -1 ? undefined : next);
}

/** Table rows `| \`CODE\` | second column |` → code → second column. */
function rows(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/^\| `(SLUICE_ERR_\w+)` \| ([^|]+?) \|/gm)) {
    assert.ok(!found.has(m[1]!), `${m[1]} is listed twice in one section`);
    found.set(m[1]!, m[2]!);
  }
  return found;
}

const catalogues = [
  { name: 'server', heading: SERVER, codes: SERVER_ERRORS, second: (code: string) => String(SERVER_ERRORS[code as keyof typeof SERVER_ERRORS].status) },
  { name: 'player', heading: PLAYER, codes: PLAYER_ERRORS, second: () => 'client' },
  { name: 'uploader', heading: UPLOADER, codes: UPLOADER_ERRORS, second: () => 'client' },
] as const;

for (const { name, heading, codes, second } of catalogues) {
  test(`every ${name} code is documented in docs/errors.md`, () => {
    const documented = rows(section(heading));
    for (const code of Object.keys(codes)) {
      assert.ok(documented.has(code), `${code} (${name}) is missing from docs/errors.md`);
      assert.equal(documented.get(code), second(code), `${code}: wrong ${name === 'server' ? 'HTTP status' : '"raised" column'} in docs/errors.md`);
    }
  });

  test(`docs/errors.md documents no ${name} code that does not exist`, () => {
    for (const code of rows(section(heading)).keys()) assert.ok(code in codes, `${code} is documented as a ${name} code but is not in @sluice/protocol`);
  });
}

test('no code of docs/errors.md is outside the three tables', () => {
  const listed = new Set([SERVER, PLAYER, UPLOADER].flatMap((h) => [...rows(section(h)).keys()]));
  for (const [code] of doc.matchAll(/`(SLUICE_ERR_\w+)`/g)) {
    const bare = code.slice(1, -1);
    assert.ok(listed.has(bare), `${bare} is mentioned in docs/errors.md but in no table`);
  }
});

test('codes follow SLUICE_ERR_<AREA>_<WHAT>; client codes name their package', () => {
  for (const code of Object.keys(SERVER_ERRORS)) assert.match(code, /^SLUICE_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
  for (const code of Object.keys(PLAYER_ERRORS)) assert.match(code, /^SLUICE_ERR_PLAYER_[A-Z0-9_]+$/);
  for (const code of Object.keys(UPLOADER_ERRORS)) assert.match(code, /^SLUICE_ERR_UPLOAD_[A-Z0-9_]+$/);
  for (const entry of [...Object.values(SERVER_ERRORS), ...Object.values(PLAYER_ERRORS), ...Object.values(UPLOADER_ERRORS)]) {
    assert.ok(entry.message.length > 0 && !entry.message.includes('\n'), 'every code has a one-line message');
  }
});
