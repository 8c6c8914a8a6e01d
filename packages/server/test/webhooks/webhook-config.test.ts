/** SLUICE_WEBHOOK_* validation: a bad value stops the server with a sentence naming the variable; the secret is never echoed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';

const SECRET = 'whsec-config-0123456789abcdef';

test('defaults: off without URLs; with URLs, 5s..1h retries for 24 h and a 10 s timeout; URLs deduplicated', () => {
  assert.equal(loadConfig({}).webhooks, undefined);
  assert.equal(loadConfig({ SLUICE_WEBHOOK_SECRET: SECRET }).webhooks, undefined, 'a secret alone configures no delivery');
  assert.equal(loadConfig({ SLUICE_WEBHOOK_SECRET: SECRET }).webhookSecret, SECRET, '…but `sluice webhooks test` can sign with it');
  const c = loadConfig({ SLUICE_WEBHOOK_URLS: 'https://a.example/hook, http://127.0.0.1:9000/x,https://a.example/hook', SLUICE_WEBHOOK_SECRET: SECRET });
  assert.deepEqual(c.webhooks, { urls: ['https://a.example/hook', 'http://127.0.0.1:9000/x'], secret: SECRET, retryBaseMs: 5000, retryCapMs: 3_600_000, giveUpMs: 86_400_000, timeoutMs: 10_000 });
  const tuned = loadConfig({ SLUICE_WEBHOOK_URLS: 'https://a.example/', SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '100ms..2s', SLUICE_WEBHOOK_GIVE_UP: '1h', SLUICE_WEBHOOK_TIMEOUT: '3s' });
  assert.deepEqual([tuned.webhooks?.retryBaseMs, tuned.webhooks?.retryCapMs, tuned.webhooks?.giveUpMs, tuned.webhooks?.timeoutMs], [100, 2000, 3_600_000, 3000]);
});

test('refusals name the variable and what is expected, never the secret', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SLUICE_WEBHOOK_URLS: 'https://a.example/' }, /SLUICE_WEBHOOK_URLS is set without SLUICE_WEBHOOK_SECRET/],
    [{ SLUICE_WEBHOOK_URLS: 'ftp://a.example/', SLUICE_WEBHOOK_SECRET: SECRET }, /SLUICE_WEBHOOK_URLS="ftp:\/\/a.example\/" is invalid: expected comma-separated absolute http\(s\) URLs/],
    [{ SLUICE_WEBHOOK_URLS: 'not a url', SLUICE_WEBHOOK_SECRET: SECRET }, /SLUICE_WEBHOOK_URLS="not" is invalid/],
    [{ SLUICE_WEBHOOK_URLS: 'https://user:pw@a.example/', SLUICE_WEBHOOK_SECRET: SECRET }, /SLUICE_WEBHOOK_URLS=.* is invalid/],
    [{ SLUICE_WEBHOOK_SECRET: 'short' }, /SLUICE_WEBHOOK_SECRET="<hidden>" is invalid: expected at least 16 characters/],
    [{ SLUICE_WEBHOOK_URLS: 'https://a.example/', SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '1h..1s' }, /SLUICE_WEBHOOK_RETRY="1h..1s" is invalid: expected two durations <base>..<cap>/],
    [{ SLUICE_WEBHOOK_URLS: 'https://a.example/', SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_RETRY: '5s' }, /SLUICE_WEBHOOK_RETRY="5s" is invalid/],
    [{ SLUICE_WEBHOOK_URLS: 'https://a.example/', SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_GIVE_UP: 'soon' }, /SLUICE_WEBHOOK_GIVE_UP="soon" is invalid/],
    [{ SLUICE_WEBHOOK_URLS: 'https://a.example/', SLUICE_WEBHOOK_SECRET: SECRET, SLUICE_WEBHOOK_TIMEOUT: '1ms' }, /SLUICE_WEBHOOK_TIMEOUT="1ms" is invalid: expected a duration of at least 100ms/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'SLUICE_ERR_CONFIG_INVALID');
      assert.match(e.message, message);
      assert.ok(!e.message.includes(SECRET), 'the secret is not in the message');
      return true;
    }, JSON.stringify(env));
  }
});
