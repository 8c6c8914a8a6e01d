// Secrets never reach the logs: tokens in ?token= and Authorization,
// URL signatures, and SLUICE_SECRET itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../src/app.js';
import { loadConfig, resolveSecret } from '../src/config.js';
import { mintToken } from '../src/auth/tokens.js';

test('request logs redact tokens, signatures and the secret', async () => {
  let logs = '';
  const stream = new Writable({ write(chunk, _enc, cb) { logs += String(chunk); cb(); } });
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-log-')), LOG_LEVEL: 'debug' }));
  const real = await buildApp({ config: { ...config, logLevel: 'trace' }, processJobs: false, logStream: stream });
  const url = await real.listen({ port: 0, host: '127.0.0.1' });
  const token = mintToken(real, { aud: 'admin' }, 60).token;
  await fetch(`${url}/api/videos?token=${token}`);
  await fetch(`${url}/api/videos`, { headers: { authorization: `Bearer ${token}` } });
  await fetch(`${url}/media/${'a'.repeat(32)}/video.mp4?exp=1&sig=SECRETSIGNATURE`);
  await fetch(`${url}/api/videos?token=forged.${token.split('.')[1]}.bad`);
  await real.close();
  assert.ok(logs.includes('/api/videos'), 'requests were logged at all');
  assert.ok(!logs.includes(token), 'a token leaked into the logs');
  assert.ok(!logs.includes(token.split('.')[2]!), 'a token signature leaked into the logs');
  assert.ok(!logs.includes('SECRETSIGNATURE'), 'a URL signature leaked into the logs');
  assert.ok(!logs.includes(config.secret), 'the secret leaked into the logs');
});
