import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusDocument, readErrorBody } from '../src/index.js';

test('isStatusDocument: an object with a string id and a known status', () => {
  assert.equal(isStatusDocument({ id: 'abc', status: 'ready', progress: 1, playable: true, title: 't', renditions: [] }), true);
  assert.equal(isStatusDocument({ id: 'abc', status: 'queued' }), true);
  for (const v of [null, undefined, 'abc', 42, [], {}, { id: 1, status: 'ready' }, { id: 'abc' }, { id: 'abc', status: 'done' }]) {
    assert.equal(isStatusDocument(v), false, JSON.stringify(v));
  }
});

test('readErrorBody: a Sluice error body as JSON text or parsed, else null', () => {
  const body = { error: { code: 'SLUICE_ERR_UPLOAD_TOO_LARGE', message: 'Too large.' } };
  assert.deepEqual(readErrorBody(body), body.error);
  assert.deepEqual(readErrorBody(JSON.stringify(body)), body.error);
  assert.deepEqual(readErrorBody({ error: { code: 'SLUICE_ERR_AUTH_MISSING' } }), { code: 'SLUICE_ERR_AUTH_MISSING', message: 'SLUICE_ERR_AUTH_MISSING' });
  for (const v of ['<html>502</html>', '', null, {}, { error: 'x' }, { error: { code: 'E_OTHER', message: 'm' } }, { error: { code: 7 } }]) {
    assert.equal(readErrorBody(v), null, JSON.stringify(v));
  }
});
