// @web/test-runner plugin for the player's browser tests. Server commands
// (all named player-…; each answers within WTR's 20 s command limit):
//   player-static            → { url }  ffmpeg-made clip.mp4 + hls/master.m3u8 (no Sluice); /signed/<ttl>/… expires
//   player-static-log        { since } → requests the static server saw
//   player-clip              { name }  → { path } a generated clip (e.g. '480p-45s') for uploading
//   player-upload            { server, file | clip, reuse? } → { id, token }  tus upload from Node
//   player-token             { server, aud, sub, ttl?, mediaTtl? } → { token }
//   player-proxy             { target } → { id, url }  a fault-injecting proxy (player-proxy.mjs)
//   player-proxy-faults      { id, faults: [{ pattern, status, after? }] }
//   player-proxy-log         { id, since? } → [{ method, path, query, status }]
//   player-ssr-import        → { ok, error? }  imports @sluice/player's source in plain Node
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tus from 'tus-js-client';
import { ensureStaticMedia, makeClip, serveMedia } from './player-media.mjs';
import { startFaultProxy } from './player-proxy.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = process.env.SLUICE_TEST_FIXTURES ?? join(root, 'test', 'fixtures', '.cache');
const CLIPS = { '480p-45s': [854, 480, 45], '480p-12s': [854, 480, 12] };

async function mintToken(server, body) {
  const res = await fetch(new URL('/api/tokens', server), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST /api/tokens answered ${res.status}: ${await res.text()}`);
  return (await res.json()).token;
}

function upload(server, path, token) {
  return new Promise((resolve, reject) => {
    const meta = { id: undefined, token: undefined };
    const data = readFileSync(path);
    const up = new tus.Upload(data, {
      endpoint: new URL('/api/uploads', server).href,
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: path.split('/').pop(), filetype: 'video/mp4', title: 'player test' },
      uploadSize: statSync(path).size,
      chunkSize: Infinity,
      retryDelays: [],
      onAfterResponse(req, res) {
        if (req.getMethod() === 'POST') {
          meta.id = res.getHeader('Sluice-Video-Id') ?? meta.id;
          meta.token = res.getHeader('Sluice-Video-Token') ?? meta.token;
        }
      },
      onError: reject,
      onSuccess: () => resolve({ id: meta.id ?? up.url.split('/').pop(), token: meta.token }),
    });
    up.start();
  });
}

export function playerPlugin() {
  const clipDir = join(tmpdir(), `sluice-player-clips-${process.pid}`);
  const proxies = new Map();
  const uploads = new Map();
  let media;
  const commands = {
    async 'player-static'() {
      media ??= await serveMedia(ensureStaticMedia());
      return { url: media.url };
    },
    'player-static-log': ({ since = 0 }) => media?.log.slice(since) ?? [],
    'player-clip': ({ name }) => {
      mkdirSync(clipDir, { recursive: true });
      const [w, h, s] = CLIPS[name];
      return { path: makeClip(join(clipDir, `${name}.mp4`), w, h, s) };
    },
    async 'player-upload'({ server, file, clip, reuse = false }) {
      const key = `${server}|${file ?? clip}`;
      if (reuse && uploads.has(key)) return uploads.get(key);
      const path = clip ? commands['player-clip']({ name: clip }).path : join(fixtures, file);
      if (!existsSync(path)) throw new Error(`no such fixture: ${path}`);
      const result = await upload(server, path, await mintToken(server, { aud: 'upload', ttl: '1h' }));
      if (!result.token) result.token = await mintToken(server, { aud: 'playback', sub: result.id, ttl: '1h' });
      uploads.set(key, result);
      return result;
    },
    async 'player-token'({ server, ...claims }) { return { token: await mintToken(server, claims) }; },
    async 'player-proxy'({ target }) {
      const proxy = await startFaultProxy(target);
      const id = String(proxies.size + 1);
      proxies.set(id, proxy);
      return { id, url: proxy.url };
    },
    'player-proxy-faults': ({ id, faults }) => { proxies.get(id).setFaults(faults); return true; },
    'player-proxy-log': ({ id, since = 0 }) => proxies.get(id).log.slice(since),
    async 'player-ssr-import'() {
      const code = `await import(${JSON.stringify(join(root, 'packages/player/src/index.ts'))}); console.log('ok');`;
      try {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, timeout: 15_000, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'packages/player/tsconfig.json') } });
        return { ok: stdout.trim() === 'ok' };
      } catch (e) {
        return { ok: false, error: String(e.stderr || e.message).slice(0, 2000) };
      }
    },
  };
  return {
    name: 'sluice-player',
    async executeCommand({ command, payload }) {
      const fn = commands[command];
      return fn ? await fn(payload ?? {}) : undefined;
    },
    async serverStop() {
      await media?.close();
      for (const p of proxies.values()) await p.close();
    },
  };
}
