/**
 * Forwarded headers from clients that are not a trusted proxy, and secrets in
 * request logs under encoding tricks — against a real server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { mintToken } from '../../src/auth/tokens.js';
import { loadConfig, resolveSecret } from '../../src/config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { raw, type RawOptions } from './support.js';

const VIDEO = 'd'.repeat(32);
const SPOOF = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'for=1.2.3.4;host=evil.example;proto=https' };

async function withReadyVideo(t: TestApp): Promise<void> {
  await t.app.sluice.store.createVideo({ id: VIDEO, status: 'ready', title: 'x', filename: 'x.mp4', size: 1 });
  await t.app.sluice.store.updateVideo(VIDEO, { playable: true });
}

/** Every absolute link of the status document, and the tus Location, for one request. */
async function linksFor(t: TestApp, options: RawOptions): Promise<string[]> {
  const doc = await raw(t.url, `/api/videos/${VIDEO}`, { ...options, headers: { ...options.headers, authorization: `Bearer ${t.token({ aud: 'admin' })}` } });
  assert.equal(doc.status, 200, doc.text);
  const { hls, mp4, poster, storyboard } = JSON.parse(doc.text) as Record<string, string>;
  const created = await raw(t.url, '/api/uploads', {
    ...options, method: 'POST',
    headers: { ...options.headers, authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-length': '10' },
  });
  assert.equal(created.status, 201, created.text);
  return [hls!, mp4!, poster!, storyboard!, created.headers.location!];
}

function allStartWith(links: string[], origin: string, what: string): void {
  assert.equal(links.length, 5);
  for (const link of links) assert.ok(link.startsWith(`${origin}/`), `${what}: ${link} should start with ${origin}/`);
}

test('SLUICE_TRUST_PROXY is off by default and validated', () => {
  assert.deepEqual(loadConfig({}).trustProxy, []);
  assert.deepEqual(loadConfig({ SLUICE_TRUST_PROXY: 'off' }).trustProxy, []);
  assert.deepEqual(loadConfig({ SLUICE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' }).trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  const cases: Array<[string, RegExp]> = [
    ['2', /hop count cannot tell a proxy from a client/],
    ['true', /name the proxy's address/],
    ['*', /name the proxy's address/],
    ['10.0.0.0/40', /"10\.0\.0\.0\/40" is not an IP address, a CIDR/],
    ['proxy.internal', /"proxy\.internal" is not an IP address/],
  ];
  for (const [value, re] of cases) {
    assert.throws(() => loadConfig({ SLUICE_TRUST_PROXY: value }), (e: Error & { code?: string }) =>
      e.code === 'SLUICE_ERR_CONFIG_INVALID' && e.message.startsWith(`SLUICE_TRUST_PROXY=${JSON.stringify(value)} is invalid:`) && re.test(e.message), value);
  }
});

test('default server: X-Forwarded-Host/-Proto and Forwarded from a client change no link and no tus Location', async () => {
  const t = await startTestApp();
  try {
    await withReadyVideo(t);
    allStartWith(await linksFor(t, { headers: SPOOF }), t.url, 'spoofed');
    allStartWith(await linksFor(t, { headers: { 'x-forwarded-host': 'evil.example' } }), t.url, 'host only');
  } finally {
    await t.close();
  }
});

test('SLUICE_TRUST_PROXY=127.0.0.2: honoured from that peer only; Forwarded never; the last X-Forwarded-Host entry wins for both Fastify and tus', async () => {
  const t = await startTestApp({ SLUICE_TRUST_PROXY: '127.0.0.2' });
  try {
    await withReadyVideo(t);
    const proxied = { 'x-forwarded-host': 'video.example', 'x-forwarded-proto': 'https' };
    allStartWith(await linksFor(t, { headers: proxied, from: '127.0.0.1' }), t.url, 'untrusted peer');
    allStartWith(await linksFor(t, { headers: proxied, from: '127.0.0.2' }), 'https://video.example', 'trusted proxy');
    // tus alone would prefer Forwarded over X-Forwarded-*; Fastify does not read it at all.
    allStartWith(await linksFor(t, { headers: { forwarded: 'host=evil.example;proto=https' }, from: '127.0.0.2' }), t.url, 'Forwarded from the proxy');
    // A proxy that appends: the entry it added is the last one.
    allStartWith(await linksFor(t, { headers: { 'x-forwarded-host': 'evil.example, video.example', 'x-forwarded-proto': 'javascript, https' }, from: '127.0.0.2' }), 'https://video.example', 'appended');
    allStartWith(await linksFor(t, { headers: { 'x-forwarded-proto': 'gopher' }, from: '127.0.0.2' }), t.url, 'unknown scheme');
  } finally {
    await t.close();
  }
});

test('SLUICE_PUBLIC_URL always wins, in links and in the tus Location, even from a trusted proxy', async () => {
  const t = await startTestApp({ SLUICE_PUBLIC_URL: 'https://pinned.example:8443', SLUICE_TRUST_PROXY: '127.0.0.1' });
  try {
    await withReadyVideo(t);
    allStartWith(await linksFor(t, { headers: SPOOF }), 'https://pinned.example:8443', 'pinned');
    allStartWith(await linksFor(t, {}), 'https://pinned.example:8443', 'pinned, no headers');
  } finally {
    await t.close();
  }
});

test('request logs: tokens and signatures are redacted however the parameter name is encoded', async () => {
  let logs = '';
  const stream = new Writable({ write(chunk, _enc, cb) { logs += String(chunk); cb(); } });
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-log-sec-')) }));
  const app = await buildApp({ config: { ...config, logLevel: 'trace' }, processJobs: false, logStream: stream });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const tokens = Array.from({ length: 9 }, (_, i) => mintToken(app, { aud: 'admin', sub: `t${i}` }, 600).token);
    // The attack: the query parser decodes the name, so this token is accepted…
    const accepted = await fetch(`${url}/api/videos?%74oken=${tokens[0]}`);
    assert.equal(accepted.status, 200, 'the percent-encoded name is accepted as ?token=');
    assert.equal((await fetch(`${url}/api/videos?t%6Fk%65n=${tokens[1]}`)).status, 200);
    // …and these are not accepted, but a leaked token is a leaked token.
    await fetch(`${url}/api/videos?TOKEN=${tokens[2]}`);
    await fetch(`${url}/api/videos?%2574oken=${tokens[3]}`);
    await fetch(`${url}/api/videos?a=1&Token=${tokens[4]}&b=2`);
    await fetch(`${url}/api/videos?access_token=${tokens[5]}`);
    await fetch(`${url}/api/videos?token=${tokens[6]}&token=${tokens[7]}`);
    await fetch(`${url}/api/%zz?token=${tokens[8]}`); // refused before routing
    await fetch(`${url}/media/${VIDEO}/video.mp4?exp=1&%73ig=SIGNATUREONE`);
    await fetch(`${url}/media/${VIDEO}/video.mp4?expires=1&%6D%645=SIGNATURETWO`);
    await fetch(`${url}/media/${VIDEO}/video.mp4?exp=1&SIG=SIGNATURETHREE`);
  } finally {
    await app.close();
  }
  assert.ok(logs.includes('%74oken=[redacted]'), 'the request was logged, redacted');
  assert.ok(logs.includes('/api/%zz'), 'the refused request was logged');
  for (const secret of ['SIGNATUREONE', 'SIGNATURETWO', 'SIGNATURETHREE', config.secret]) assert.ok(!logs.includes(secret), `${secret.slice(0, 12)}… leaked into the logs`);
  for (const line of logs.split('\n')) assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, `a token leaked into the logs: ${line.slice(0, 300)}`);
});
