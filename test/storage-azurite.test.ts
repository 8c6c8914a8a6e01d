// A video stored in Azure Blob storage (Azurite, started here) and played in
// `direct` mode: the real `sluice start` with SLUICE_STORAGE=azure, a tus
// upload straight into the container, then the real <video-stream-player>
// (the demo's embed build, `embed/sluice-player.js`) in Debian Chromium on another origin,
// with a playback token whose media URLs live 3 s. Segments come from
// Azurite under SAS URLs; Azurite refuses expired ones with 403, so the
// player has to keep re-signing them for ~20 s of playback. The page's
// network is throttled so the 30 s clip cannot all be fetched inside one
// URL lifetime (otherwise nothing would ever need re-signing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { FIXTURES } from '../packages/server/test/support/test-app.js';
import { allowCors, createContainer, startAzurite } from '../packages/server/test/storage/support/azurite.js';
import { ensureDemoBuilt } from './support/demo-build.js';
import { launchChromium, screenshot } from './support/demo-browser.js';
import { startSluice } from './support/sluice-server.mjs';

const CLIP = join(FIXTURES, 'clip-1080p-30s.mp4');
const PLAY_SECONDS = 20;

/** A page on its own origin that embeds the player from the Sluice server (as docs/embedding.md shows). */
async function startPage(): Promise<{ origin: string; setVideo(sluice: string, id: string, token: string): void; close(): Promise<void> }> {
  let body = '';
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    // localhost, not 127.0.0.1: another origin than both Sluice and Azurite.
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    setVideo(sluice, id, token) {
      body = `<!doctype html><meta charset="utf-8"><title>Azure playback</title>
<script type="module" src="${sluice}/embed/sluice-player.js"></script>
<video-stream-player src="${sluice}/api/videos/${id}" token="${token}" muted controls style="width:640px"></video-stream-player>
<script>
  window.journal = { events: [], backwards: [], last: 0 };
  const p = document.querySelector('video-stream-player');
  for (const type of ['error', 'stream-error', 'stream-fallback', 'stream-recovered', 'token-expired']) {
    p.addEventListener(type, (e) => window.journal.events.push(type + ': ' + JSON.stringify(e.detail ?? null)));
  }
  setInterval(() => {
    const t = p.currentTime;
    if (t < window.journal.last - 0.01) window.journal.backwards.push(window.journal.last + ' → ' + t);
    window.journal.last = Math.max(window.journal.last, t);
  }, 100);
</script>`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function json<T>(res: Response): Promise<T> {
  assert.ok(res.ok, `${res.url} → ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

test('Azure storage, direct delivery: 20 s of playback from Azurite with 3 s media URLs, re-signed, no error', { timeout: 420_000 }, async () => {
  const demoDir = ensureDemoBuilt();
  const page = await startPage();
  const azurite = await startAzurite();
  const container = `sluice-${randomBytes(4).toString('hex')}`;
  await createContainer(azurite.connectionString, container);
  await allowCors(azurite.connectionString, [page.origin]);
  const server = await startSluice({
    env: {
      SLUICE_STORAGE: 'azure', SLUICE_DELIVERY: 'direct', SLUICE_AZURE_CONTAINER: container,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, SLUICE_CORS_ORIGINS: page.origin, SLUICE_SEGMENT_SECONDS: '2', SLUICE_DEMO_DIR: demoDir,
    },
  });
  const browser = await launchChromium();
  try {
    const token = async (body: object): Promise<string> => (await json<{ token: string }>(await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))).token;

    // Upload (tus straight into the container), then wait for `ready`.
    const uploadToken = await token({ aud: 'upload' });
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      const u = new Upload(readFileSync(CLIP), {
        endpoint: `${server.url}/api/uploads`, chunkSize: 4 * 1024 * 1024, retryDelays: [],
        headers: { authorization: `Bearer ${uploadToken}` }, metadata: { filename: 'clip-1080p-30s.mp4', filetype: 'video/mp4' },
        onError: reject, onSuccess: () => resolve(u.url!),
      });
      u.start();
    });
    // The upload URL is /api/uploads/<id>.<key> (the key is the upload's capability).
    const id = uploadUrl.slice(uploadUrl.lastIndexOf('/') + 1).split('.')[0]!;
    const admin = await token({ aud: 'admin' });
    for (let status = '', deadline = Date.now() + 240_000; status !== 'ready';) {
      assert.ok(Date.now() < deadline, `not ready after 240 s (${status}):\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 1000));
      status = (await json<{ status: string }>(await fetch(`${server.url}/api/videos/${id}`, { headers: { authorization: `Bearer ${admin}` } }))).status;
      assert.notEqual(status, 'errored', server.output());
    }

    // Play on another origin with media URLs that live 3 s.
    page.setVideo(server.url, id, await token({ aud: 'playback', sub: id, ttl: 600, mediaTtl: 3 }));
    const context = await browser.newContext();
    const tab = await context.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (e) => pageErrors.push(e.message));
    const consoleLines: string[] = [];
    tab.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    tab.on('requestfailed', (r) => consoleLines.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    const media: { url: string; status: number }[] = [];
    const fromSluiceMedia: string[] = [];
    tab.on('request', (r) => { const u = new URL(r.url()); if (u.origin === new URL(server.url).origin && u.pathname.startsWith('/media/')) fromSluiceMedia.push(u.pathname); });
    tab.on('response', (r) => { if (/\.(m4s|mp4)$/.test(new URL(r.url()).pathname)) media.push({ url: r.url(), status: r.status() }); });
    // About 3 Mbit/s: the player streams the clip over the whole playback instead of in the first second.
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: 375_000, uploadThroughput: 375_000 });
    try {
      await tab.goto(page.origin);
      await tab.waitForFunction(`document.querySelector('video-stream-player').engine === 'hls.js'`, undefined, { timeout: 30_000 });
      await tab.evaluate(`document.querySelector('video-stream-player').play()`);
      await tab.waitForFunction(`document.querySelector('video-stream-player').currentTime >= ${PLAY_SECONDS}`, undefined, { timeout: 90_000, polling: 250 });
      const journal = await tab.evaluate(`window.journal`) as { events: string[]; backwards: string[] };
      const refetches = await tab.evaluate(`document.querySelector('video-stream-player').refetches`) as number;
      await screenshot(tab, 'azure-direct-playback');

      assert.deepEqual(journal.events.filter((e) => /^(error|stream-error|stream-fallback|token-expired)/.test(e)), [], 'no error, stream-error, stream-fallback');
      assert.deepEqual(journal.backwards, [], 'currentTime never went backwards');
      assert.deepEqual(pageErrors, []);

      // Every segment and init segment came from Azurite under a SAS, none from /media.
      assert.deepEqual(fromSluiceMedia, [], 'no media request went to the Sluice server');
      assert.ok(media.length > 5, `media requests seen: ${media.length}`);
      const azuriteOrigin = new URL(azurite.blobEndpoint).origin;
      for (const m of media) {
        assert.equal(new URL(m.url).origin, azuriteOrigin, m.url);
        assert.ok(new URL(m.url).searchParams.has('sig') && !new URL(m.url).pathname.startsWith('/media/'), m.url);
      }
      // Re-signed: URLs minted after the first ones had expired (their `se` spans more than one 3 s
      // lifetime), and every URL Azurite refused (403) was fetched again under a new SAS and served.
      const expiries = media.map((m) => Date.parse(new URL(m.url).searchParams.get('se')!) / 1000);
      const span = Math.max(...expiries) - Math.min(...expiries);
      assert.ok(span > 3, `segment URLs were signed over ${span} s`);
      assert.ok(refetches > 0, `the player re-fetched playlists to re-sign (refetches=${refetches})`);
      const refused = media.filter((m) => m.status === 403);
      for (const r of refused) {
        const path = new URL(r.url).pathname;
        assert.ok(media.some((m) => new URL(m.url).pathname === path && m.url !== r.url && (m.status === 200 || m.status === 206)), `${path} was re-signed and served after its 403`);
      }
      assert.ok(media.every((m) => m.status === 200 || m.status === 206 || m.status === 403), media.map((m) => m.status).join(' '));
      // The first URLs really are dead now: Azurite refuses them, so playing on needed the new ones.
      const stale = await fetch(media[0]!.url);
      assert.equal(stale.status, 403, `an expired SAS → ${stale.status}`);
      await stale.body?.cancel();
      console.log(`# media requests ${media.length}, signed over ${span} s, 403 from Azurite ${refused.length}, playlist re-fetches ${refetches}`);
    } catch (e) {
      await screenshot(tab, 'azure-direct-failure').catch(() => undefined);
      console.error({ pageErrors, console: consoleLines, journal: await tab.evaluate(`window.journal`).catch(() => undefined), media: media.slice(-10), server: server.output().slice(-3000) });
      throw e;
    }
  } finally {
    await browser.close();
    await server.stop();
    await azurite.stop();
    await page.close();
  }
});
