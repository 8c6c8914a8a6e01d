// The newcomer's journey through the demo site, in Debian Chromium against
// the real `sluice start` (demo mode, fresh data dir, 2 s segments): upload
// the 10 s clip with <chunked-uploader>, watch it reach `ready` in the
// Library, play it, seek, expire the links and keep playing, then break HLS
// and see the MP4 take over. Screenshots land in test/artifacts/demo-journey/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { FIXTURES } from '../packages/server/test/support/test-app.js';
import { ensureDemoBuilt } from './support/demo-build.js';
import { launchChromium, loggedEvents, playerState, screenshot, waitForTime } from './support/demo-browser.js';
import { extractTestedBlock } from './support/demo-docs.js';
import { startEmbedHost } from './support/demo-embed-host.js';
import { startSluice } from './support/sluice-server.mjs';

const CLIP = join(FIXTURES, 'clip-720p-10s.mp4');
const TITLE = 'Journey clip';

/** Clicks the player's own play button (a user's click, not a script call). */
async function clickPlay(page: Page): Promise<void> {
  await page.locator('video-stream-player [part~="play-button"]').click();
}

test('demo: upload → library → watch, seek, expire links, HLS → MP4 fallback', { timeout: 240_000 }, async () => {
  const demoDir = ensureDemoBuilt();
  const embedHost = await startEmbedHost();
  const server = await startSluice({ env: { SLUICE_DEMO_DIR: demoDir, SLUICE_SEGMENT_SECONDS: '2', SLUICE_CORS_ORIGINS: embedHost.origin } });
  const browser = await launchChromium();
  const pageErrors: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  try {
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The Library's delete asks for confirmation; an alert would be markup that ran (a caption label below).
    const alerts: string[] = [];
    page.on('dialog', (d) => { if (d.type() === 'alert') alerts.push(d.message()); void d.accept(); });

    // 1. The front door: `/` is the Upload page.
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Upload a video' }).waitFor();
    await screenshot(page, '1-upload-empty');

    // 2. Title, then the file through the uploader's own input (inside its shadow root).
    await page.getByLabel('Title').fill(TITLE);
    await page.locator('chunked-uploader input[type="file"]').setInputFiles(CLIP);
    const progress = page.getByTestId('processing');
    await progress.waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    const id = /video=([A-Za-z0-9_-]+)/.exec(await receipt.innerText())?.[1];
    assert.ok(id, 'the submitted form carries the video id');
    assert.match(await receipt.innerText(), new RegExp(`title=${TITLE}`));
    await screenshot(page, '2-upload-submitted');

    // 3. Library: the card follows processing to `ready`, with poster, duration and renditions.
    await page.getByRole('link', { name: 'Open the library' }).click();
    const card = page.locator(`[data-video-id="${id}"]`);
    await card.waitFor();
    assert.equal(await card.getByRole('heading').innerText(), TITLE);
    await page.locator(`[data-video-id="${id}"][data-status="processing"], [data-video-id="${id}"][data-status="ready"]`).waitFor({ timeout: 60_000 });
    if ((await card.getAttribute('data-status')) === 'processing') await screenshot(page, '3-library-processing');
    await page.locator(`[data-video-id="${id}"][data-status="ready"]`).waitFor({ timeout: 120_000 });
    await card.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    assert.ok(await card.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth > 0), 'poster shown');
    assert.match(await card.innerText(), /0:10/);
    assert.ok((await card.getByRole('listitem').allInnerTexts()).includes('720p'), 'renditions listed');
    await screenshot(page, '4-library-ready');

    // 4. Watch: play to 5 s, seek back, keep playing.
    await card.getByRole('link', { name: 'Watch' }).click();
    await page.getByRole('heading', { name: TITLE }).waitFor();
    await page.waitForFunction(`document.querySelector('video-stream-player').engine === 'hls.js'`);
    await clickPlay(page);
    await waitForTime(page, 5);
    await page.evaluate(`document.querySelector('video-stream-player').currentTime = 2`);
    await page.waitForFunction(`(() => { const p = document.querySelector('video-stream-player'); return p.currentTime >= 2.3 && p.currentTime < 4.5; })()`);
    assert.equal((await playerState(page)).paused, false);
    assert.ok((await loggedEvents(page)).includes('seeked'));

    // 5. "Expire links now": from here on links live 5 s. The player reloads where it
    //    is; pin 360p through its quality menu, let every link handed out expire, then
    //    seek back to a segment that is not buffered: the player must re-sign it and play on.
    await page.getByTestId('expire-links').click();
    await page.locator('[data-testid="expire-links"][aria-checked="true"]:not([disabled])').waitFor();
    const flippedAt = Date.now();
    await page.locator('[data-testid="event-log"] [data-event="expire-links"]').waitFor();
    const quality = page.locator('video-stream-player select[part="quality-menu"]');
    await quality.waitFor();
    await quality.selectOption({ label: '360p' });
    await page.waitForFunction(`(() => { const p = document.querySelector('video-stream-player'); const l = p.levels[p.currentLevel]; return !!l && l.name === '360p'; })()`, undefined, { timeout: 15_000 });
    await page.waitForTimeout(Math.max(0, flippedAt + 6_500 - Date.now())); // every link handed out since the flip is now stale
    const before = await playerState(page);
    await page.evaluate(`document.querySelector('video-stream-player').currentTime = 0.5`);
    if ((await playerState(page)).paused) await clickPlay(page);
    await page.waitForFunction(`(() => { const p = document.querySelector('video-stream-player'); return p.currentTime >= 2.5 && p.currentTime < 6; })()`, undefined, { timeout: 20_000 });
    const after = await playerState(page);
    assert.equal(after.engine, 'hls.js', 'still on HLS: no fallback was needed');
    assert.equal(after.error, null, 'no error shown');
    assert.ok(after.refetches > before.refetches, `expired links were re-signed (playlist re-fetches ${before.refetches} → ${after.refetches})`);
    const events = await loggedEvents(page);
    assert.ok(events.includes('re-signed'), 'the event log shows the re-signing');
    assert.ok(!events.includes('stream-error') && !events.includes('stream-fallback'), events.join(', '));
    await screenshot(page, '5-watch-expired-links');

    // 6. The Embed snippet, with a demo token filled in, plays on another origin.
    await page.getByLabel(/Fill in a one-hour demo token/).check();
    const snippet = page.getByTestId('embed-code');
    await page.waitForFunction(`!document.querySelector('[data-testid="embed-code"]').textContent.includes('PLAYBACK_TOKEN_FROM_YOUR_BACKEND')`);
    embedHost.setPage(`<!doctype html><meta charset="utf-8"><title>Another site</title><body>${await snippet.innerText()}</body>`);
    const other = await context.newPage();
    other.on('pageerror', (e) => pageErrors.push(`embed: ${e.message}`));
    await other.goto(embedHost.origin);
    await other.waitForFunction(`document.querySelector('video-stream-player').engine === 'hls.js'`, undefined, { timeout: 20_000 });
    await clickPlay(other);
    await waitForTime(other, 1);
    assert.equal((await playerState(other)).error, null);
    await other.close();

    // 6b. Captions: add a track through the form, with a label that looks like markup. It is listed
    //     as text, and the player (reloaded at the same position) offers it in its captions menu.
    const HOSTILE = '<img src=x onerror=alert(1)>';
    const captionForm = page.getByTestId('caption-form');
    await captionForm.locator('input[name="file"]').setInputFiles({
      name: 'journey.en.vtt', mimeType: 'text/vtt', buffer: Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:09.000\nJourney <b>cue</b>\n'),
    });
    await captionForm.locator('input[name="lang"]').fill('en');
    await captionForm.locator('input[name="label"]').fill(HOSTILE);
    await captionForm.getByRole('button', { name: 'Add track' }).click();
    const trackRow = page.locator('[data-testid="captions"] tr[data-lang="en"]');
    await trackRow.waitFor({ timeout: 20_000 });
    assert.equal(await trackRow.locator('td').first().innerText(), HOSTILE, 'the label shows as text');
    assert.equal(await page.locator('[data-testid="captions"] img').count(), 0, 'no element made from the label');
    await page.locator('video-stream-player [part="captions-button"]').click();
    const item = page.getByRole('menuitemradio', { name: HOSTILE });
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    await page.waitForFunction(`Array.from(document.querySelector('video-stream-player').textTracks).some((t) => t.language === 'en' && t.mode === 'showing')`);
    assert.deepEqual(alerts, [], 'nothing from a label ran');
    await screenshot(page, '5b-watch-captions');

    // 7. Break HLS on purpose (every HLS segment 404): the player moves to the MP4.
    await page.route((url) => url.pathname.startsWith('/media/') && url.pathname.includes('/hls/'), (route) => route.fulfill({ status: 404, body: 'broken on purpose' }));
    await page.reload();
    await page.locator('[data-testid="event-log"] [data-event="stream-fallback"]').waitFor({ timeout: 30_000 });
    assert.equal((await playerState(page)).engine, 'progressive');
    await clickPlay(page);
    await waitForTime(page, 1);
    assert.equal((await playerState(page)).error, null);
    await screenshot(page, '6-watch-mp4-fallback');

    // 8. The same pages on a phone.
    await page.unroute(() => true);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, '7-watch-mobile');
    await page.goto(`${server.url}/#/library`);
    await card.waitFor();
    await screenshot(page, '8-library-mobile');

    // 9. Delete from the Library: the card goes, and so does the video.
    await card.getByRole('button', { name: /^Delete/ }).click();
    await card.waitFor({ state: 'detached' });
    const admin = await (await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"aud":"admin"}' })).json() as { token: string };
    assert.equal((await fetch(`${server.url}/api/videos/${id}`, { headers: { authorization: `Bearer ${admin.token}` } })).status, 404);

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  } catch (e) {
    // Keep the scene of the failure (and the page's own errors) for whoever reads the report.
    await screenshot(page, 'failure').catch(() => undefined);
    if (pageErrors.length) console.error('page errors:', pageErrors);
    throw e;
  } finally {
    await browser.close();
    await server.stop();
    await embedHost.close();
  }
});

test('docs/tokens.md: the Node example mints tokens the server accepts', { timeout: 60_000 }, async () => {
  interface TokensModule { playbackToken(secret: string, id: string, ttl?: number): string; uploadToken(secret: string, maxBytes?: number, ttl?: number): string }
  const mod = (await import(pathToFileURL(extractTestedBlock('tokens.md', 'sluice-tokens.mjs')).href)) as TokensModule;
  const server = await startSluice();
  try {
    const secret = readFileSync(join(server.dataDir, 'secret'), 'utf8').trim();
    const missing = '0123456789abcdef0123456789abcdef';
    // A valid playback token gets past auth to "no such video"; a forged one does not.
    const ok = await fetch(`${server.url}/api/videos/${missing}`, { headers: { authorization: `Bearer ${mod.playbackToken(secret, missing)}` } });
    assert.equal(ok.status, 404);
    const forged = await fetch(`${server.url}/api/videos/${missing}`, { headers: { authorization: `Bearer ${mod.playbackToken(`${secret}x`, missing)}` } });
    assert.equal(forged.status, 401);
    // The upload token creates a tus upload and its maxBytes claim is enforced.
    const create = (length: number): Promise<Response> => fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mod.uploadToken(secret, 1000)}`, 'tus-resumable': '1.0.0', 'upload-length': String(length) },
    });
    assert.equal((await create(1000)).status, 201);
    assert.equal((await create(1001)).status, 413);
  } finally {
    await server.stop();
  }
});
