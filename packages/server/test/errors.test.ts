/**
 * The server's errors are @sluice/protocol's SERVER_ERRORS (docs/errors.md is
 * checked against every package's catalogue in packages/protocol/test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVER_ERRORS } from '@sluice/protocol';
import { ERRORS, SluiceError, errorBody, isSluiceError } from '../src/errors.js';

test('the server catalogue is the protocol catalogue', () => {
  assert.equal(ERRORS, SERVER_ERRORS);
});

test('SluiceError carries the catalogue status and message, or a more precise message, and its cause', () => {
  const cause = new Error('disk');
  const e = new SluiceError('SLUICE_ERR_UPLOAD_DISK_FULL', undefined, { cause });
  assert.equal(e.statusCode, 507);
  assert.equal(e.message, SERVER_ERRORS.SLUICE_ERR_UPLOAD_DISK_FULL.message);
  assert.equal(e.cause, cause);
  assert.ok(isSluiceError(e));
  assert.ok(!isSluiceError(cause));
  const precise = new SluiceError('SLUICE_ERR_REQUEST_INVALID', 'ttl must be a duration');
  assert.deepEqual(errorBody(precise), { error: { code: 'SLUICE_ERR_REQUEST_INVALID', message: 'ttl must be a duration' } });
  assert.deepEqual(JSON.parse(JSON.stringify(precise)), { code: 'SLUICE_ERR_REQUEST_INVALID', message: 'ttl must be a duration' });
});
