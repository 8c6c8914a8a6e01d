/**
 * Demo mode attacked as a DNS-rebinding page or a LAN neighbour would: it
 * must only answer loopback hosts, only start on a loopback HOST, and the
 * tokens it hands out must be short and die with demo mode.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { claimsOf, errorCode, json, raw } from './support.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
const VIDEO = 'c'.repeat(32);

let t: TestApp;
before(async () => {
  const demoDir = mkdtempSync(join(tmpdir(), 'sluice-demo-site-'));
  writeFileSync(join(demoDir, 'index.html'), '<!doctype html><title>demo</title>');
  t = await startTestApp({ SLUICE_DEMO_DIR: demoDir });
  await t.app.sluice.store.createVideo({ id: VIDEO, status: 'ready', title: 'x', filename: 'x.mp4', size: 1 });
});
after(() => t.close());

const port = (): string => new URL(t.url).port;

test('config: demo mode refuses a non-loopback HOST unless forced; loopback hosts and demo off are fine', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    assert.throws(() => loadConfig({ HOST: host }), (e: Error & { code?: string }) =>
      e.code === 'SLUICE_ERR_CONFIG_INVALID' && e.message.includes(`HOST=${host} is not a loopback address`) && /NODE_ENV=production/.test(e.message) && /SLUICE_DEMO=force/.test(e.message), host);
  }
  for (const host of ['127.0.0.1', '127.3.2.1', '::1', '[::1]', 'localhost', 'LOCALHOST']) assert.equal(loadConfig({ HOST: host }).demo, true, host);
  assert.equal(loadConfig({ HOST: '0.0.0.0', SLUICE_DEMO: 'off' }).demo, false);
  assert.equal(loadConfig({ HOST: '0.0.0.0', NODE_ENV: 'production', SLUICE_SECRET: 'x'.repeat(40) }).demo, false);
  const forced = loadConfig({ HOST: '0.0.0.0', SLUICE_DEMO: 'force' });
  assert.equal(forced.demo, true);
  assert.equal(forced.demoForced, true);
});

test('sluice start with demo mode on HOST=0.0.0.0 exits with the sentence, before listening', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-demo-host-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '0.0.0.0', PORT: '0', SLUICE_DATA_DIR: dataDir, NODE_ENV: 'test' };
  delete env.SLUICE_DEMO;
  await assert.rejects(run(process.execPath, ['--import', 'tsx', CLI, 'start'], { env, timeout: 60_000 }), (err: Error & { stderr?: string; stdout?: string }) => {
    assert.match(err.stderr ?? '', /SLUICE_ERR_CONFIG_INVALID: Demo mode is on .* HOST=0\.0\.0\.0 is not a loopback address/);
    assert.doesNotMatch(err.stdout ?? '', /listening/);
    return true;
  });
});

test('a foreign Host header is refused on every route with 421 SLUICE_ERR_DEMO_HOST_REFUSED', async () => {
  const admin = t.token({ aud: 'admin' });
  const routes: Array<[string, string, Record<string, string>?, string?]> = [
    ['GET', '/healthz'],
    ['GET', '/'],
    ['GET', '/index.html'],
    ['POST', '/api/tokens', json, '{"aud":"admin"}'],
    ['GET', `/api/videos?token=${admin}`],
    ['GET', `/api/videos/${VIDEO}/events?token=${admin}`],
    ['GET', `/api/videos/${VIDEO}/hls/master.m3u8?token=${admin}`],
    ['GET', `/media/${VIDEO}/video.mp4?exp=9999999999&sig=x`],
    ['POST', '/api/uploads', { authorization: `Bearer ${admin}`, 'tus-resumable': '1.0.0', 'upload-length': '10' }],
    ['OPTIONS', '/api/uploads', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }],
    ['GET', '/no/such/route'],
  ];
  for (const host of ['evil.example', `evil.example:${port()}`, `127.0.0.1.evil.example:${port()}`, 'localhost.evil.example', '127.0.0.1@evil.example', `[::1].evil.example:${port()}`]) {
    for (const [method, path, headers, body] of routes) {
      const res = await raw(t.url, path, { method, headers: { ...headers, host }, body });
      assert.equal(res.status, 421, `${method} ${path} Host: ${host} → ${res.status} ${res.text.slice(0, 200)}`);
      assert.equal(errorCode(res.text), 'SLUICE_ERR_DEMO_HOST_REFUSED', `${method} ${path}`);
      assert.match(res.headers['content-type'] ?? '', /application\/json/);
    }
  }
});

test('loopback names and addresses, any port, are answered', async () => {
  for (const host of [`127.0.0.1:${port()}`, '127.9.9.9', `localhost:${port()}`, 'LocalHost', `[::1]:${port()}`, '[::1]', `[::ffff:127.0.0.1]:${port()}`]) {
    const health = await raw(t.url, '/healthz', { headers: { host } });
    assert.equal(health.status, 200, `Host: ${host} → ${health.status} ${health.text}`);
    const page = await raw(t.url, '/', { headers: { host } });
    assert.equal(page.status, 200, `/ Host: ${host}`);
    const minted = await raw(t.url, '/api/tokens', { method: 'POST', headers: { ...json, host }, body: '{"aud":"upload"}' });
    assert.equal(minted.status, 200, `POST /api/tokens Host: ${host}`);
  }
});

test('demo mode off: any Host is answered (the check belongs to demo mode)', async () => {
  const off = await startTestApp({ SLUICE_DEMO: 'off' });
  try {
    assert.equal((await raw(off.url, '/healthz', { headers: { host: 'video.example.com' } })).status, 200);
  } finally {
    await off.close();
  }
});

test('SLUICE_DEMO=force: IP literals and the SLUICE_PUBLIC_URL host are answered, other names still refused', async () => {
  const forced = await startTestApp({ SLUICE_DEMO: 'force', SLUICE_PUBLIC_URL: 'https://demo.example.org' });
  try {
    for (const host of ['192.168.1.7:3000', '[fe80::1]:3000', '127.0.0.1', 'demo.example.org', 'DEMO.example.org:443']) {
      assert.equal((await raw(forced.url, '/healthz', { headers: { host } })).status, 200, host);
    }
    const rebind = await raw(forced.url, '/api/tokens', { method: 'POST', headers: { ...json, host: 'evil.example' }, body: '{"aud":"admin"}' });
    assert.equal(rebind.status, 421);
    assert.equal(errorCode(rebind.text), 'SLUICE_ERR_DEMO_HOST_REFUSED');
  } finally {
    await forced.close();
  }
});

async function mintAnonymously(url: string, body: object, headers: Record<string, string> = {}): Promise<{ token: string; expiresAt: string }> {
  const res = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { token: string; expiresAt: string };
}

test('anonymous demo tokens are marked demo and live at most 6 h, whatever is asked', async () => {
  for (const ttl of ['365d', '7h', 86400 * 30]) {
    const { token, expiresAt } = await mintAnonymously(t.url, { aud: 'admin', ttl });
    const c = claimsOf(token);
    assert.equal(c.demo, true);
    assert.equal(Number(c.exp) - Number(c.iat), 6 * 3600, `ttl ${ttl}`);
    assert.ok(Date.parse(expiresAt) <= Date.now() + 6 * 3600 * 1000 + 2000, `expiresAt ${expiresAt} tells the shortened lifetime`);
  }
  const short = claimsOf((await mintAnonymously(t.url, { aud: 'upload', ttl: '10m' })).token);
  assert.equal(Number(short.exp) - Number(short.iat), 600, 'shorter asks are kept');
});

test('a demo token cannot launder its mark: what it mints, and the playback tokens links carry, are demo tokens too', async () => {
  const demoAdmin = (await mintAnonymously(t.url, { aud: 'admin' })).token;
  const minted = await mintAnonymously(t.url, { aud: 'admin', ttl: '365d' }, { authorization: `Bearer ${demoAdmin}` });
  assert.equal(claimsOf(minted.token).demo, true);
  assert.equal(Number(claimsOf(minted.token).exp) - Number(claimsOf(minted.token).iat), 6 * 3600);
  await t.app.sluice.store.updateVideo(VIDEO, { playable: true });
  const doc = (await (await fetch(`${t.url}/api/videos/${VIDEO}?token=${demoAdmin}`)).json()) as { hls: string };
  const inLink = new URL(doc.hls).searchParams.get('token')!;
  assert.equal(claimsOf(inLink).aud, 'playback');
  assert.equal(claimsOf(inLink).demo, true);
  // The playback token tus hands back on creation inherits the upload token's mark.
  const demoUpload = (await mintAnonymously(t.url, { aud: 'upload' })).token;
  const created = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${demoUpload}`, 'tus-resumable': '1.0.0', 'upload-length': '4' } });
  assert.equal(created.status, 201);
  assert.equal(claimsOf(created.headers.get('sluice-video-token')!).demo, true);
  const realUpload = await fetch(`${t.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${t.token({ aud: 'upload' })}`, 'tus-resumable': '1.0.0', 'upload-length': '4' } });
  assert.equal(claimsOf(realUpload.headers.get('sluice-video-token')!).demo, undefined);
  // Tokens from an admin token that is not a demo token stay unmarked and keep their lifetime.
  const real = await mintAnonymously(t.url, { aud: 'admin', ttl: '30d' }, { authorization: `Bearer ${t.token({ aud: 'admin' })}` });
  assert.equal(claimsOf(real.token).demo, undefined);
  assert.equal(Number(claimsOf(real.token).exp) - Number(claimsOf(real.token).iat), 30 * 86400);
});

test('in demo mode a caller that sends a token is held to it', async () => {
  const res = await fetch(`${t.url}/api/tokens`, { method: 'POST', headers: { ...json, authorization: `Bearer ${t.token({ aud: 'upload' })}` }, body: '{"aud":"admin"}' });
  assert.equal(res.status, 403);
  assert.equal(errorCode(await res.text()), 'SLUICE_ERR_AUTH_FORBIDDEN');
});

test('after a restart with demo mode off, demo tokens are refused (401) and real ones still work', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-demo-restart-'));
  const demo = await startTestApp({}, dataDir);
  let off: TestApp | undefined;
  try {
    const demoAdmin = (await mintAnonymously(demo.url, { aud: 'admin' })).token;
    const demoUpload = (await mintAnonymously(demo.url, { aud: 'upload' })).token;
    const realAdmin = demo.token({ aud: 'admin' });
    assert.equal((await fetch(`${demo.url}/api/videos?token=${demoAdmin}`)).status, 200, 'the demo token works in demo mode');
    await demo.close();
    off = await startTestApp({ SLUICE_DEMO: 'off' }, dataDir);
    assert.equal(off.config.secret, demo.config.secret, 'same secret: only the demo mark can tell the tokens apart');
    for (const [path, init] of [
      ['/api/videos', {}],
      ['/api/admin/jobs', {}],
      ['/api/tokens', { method: 'POST', headers: json, body: '{"aud":"admin"}' }],
    ] as const) {
      const res: Response = await fetch(`${off.url}${path}`, { ...init, headers: { ...('headers' in init ? init.headers : {}), authorization: `Bearer ${demoAdmin}` } });
      assert.equal(res.status, 401, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'SLUICE_ERR_AUTH_INVALID');
      assert.match(body.error.message, /demo mode/);
    }
    const upload = await fetch(`${off.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${demoUpload}`, 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    assert.equal(upload.status, 401, 'tus refuses the demo upload token too');
    assert.equal((await fetch(`${off.url}/api/videos?token=${realAdmin}`)).status, 200, 'an unmarked admin token still works');
  } finally {
    await (off ?? demo).close();
  }
});
