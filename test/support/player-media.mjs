// Test media for the player that needs no Sluice: ffmpeg-generated clips and
// HLS (two renditions, 2 s fMP4 segments) served by a tiny static server with
// CORS and byte ranges. Under /signed/<ttl>/… the same files get short-lived
// `?exp=` URLs like Sluice's (playlists rewritten per request; 410 + no-store
// once expired, 403 without exp) — the in-test HLS server for the expiry loader.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const ffmpeg = process.env.FFMPEG_PATH || 'ffmpeg';
const TYPES = {
  '.m3u8': 'application/vnd.apple.mpegurl', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment', '.vtt': 'text/vtt',
  '.html': 'text/html', '.js': 'text/javascript',
};

function run(args) { execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'inherit', 'inherit'] }); }

/** A `seconds`-long testsrc2 + sine clip (faststart MP4) at w×h. */
export function makeClip(out, w, h, seconds) {
  if (existsSync(out)) return out;
  run([
    '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k',
    '-shortest', '-movflags', '+faststart', `${out}.tmp.mp4`,
  ]);
  execFileSync('mv', [`${out}.tmp.mp4`, out]);
  return out;
}

/** Generates (once per dir) clip.mp4 and hls/{master,v0,v1}.m3u8 from a 60 s 640x360 clip (longer than hls.js's 30 s forward buffer, so URLs expire mid-playback). */
export function ensureStaticMedia(dir = join(tmpdir(), `sluice-player-media-${process.pid}`), seconds = 60) {
  mkdirSync(join(dir, 'hls'), { recursive: true });
  const clip = makeClip(join(dir, 'clip.mp4'), 640, 360, seconds);
  if (!existsSync(join(dir, 'hls', 'master.m3u8'))) {
    run([
      '-i', clip, '-filter_complex', '[0:v]split=2[a][b];[b]scale=320:180[b2]',
      '-map', '[a]', '-map', '[b2]', '-map', '0:a', '-map', '0:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k',
      '-b:v:0', '800k', '-b:v:1', '200k', '-force_key_frames', 'expr:gte(t,n_forced*2)', '-sc_threshold', '0',
      '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
      '-hls_flags', 'independent_segments', '-master_pl_name', 'master.m3u8',
      '-var_stream_map', 'v:0,a:0 v:1,a:1', '-hls_segment_filename', join(dir, 'hls', 'v%v_%03d.m4s'),
      join(dir, 'hls', 'v%v.m3u8'),
    ]);
  }
  return dir;
}

/**
 * Playlist with every URI (lines and URI="…") given `?exp=`: `now + ttl`,
 * or with `linear` (Sluice's `?expiry=linear`) each segment `now + its
 * start time + ttl` and the init section with the last segment.
 */
function signPlaylist(text, now, ttl, linear) {
  const sign = (u, at) => `${u}${u.includes('?') ? '&' : '?'}exp=${Math.floor(now + ttl + (linear ? at : 0))}`;
  const total = [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((a, m) => a + Number(m[1]), 0);
  let at = 0;
  let duration = 0;
  return text.split('\n').map((line) => {
    if (!line.trim()) return line;
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8)) || 0;
    if (line.startsWith('#')) return line.replace(/URI="([^"]+)"/, (_m, u) => `URI="${sign(u, total)}"`);
    if (line.endsWith('.m3u8')) return line;
    const out = sign(line, at);
    at += duration;
    return out;
  }).join('\n');
}

/**
 * Serves `dir` on 127.0.0.1:0 with CORS and single byte ranges; returns
 * { url, log, close }. `log` lists { path, query, status } per request.
 */
export async function serveMedia(dir) {
  const log = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range');
    res.setHeader('access-control-expose-headers', 'content-range, content-length');
    const reply = (status, body = '', headers = {}) => { log.push({ path: u.pathname, query: u.search, status }); res.writeHead(status, headers); res.end(body); };
    if (req.method === 'OPTIONS') return reply(204);
    let path = u.pathname;
    let ttl;
    // /signed/<ttl>/…: every URL expires ttl s after the playlist fetch; /linear/<ttl>/…: after its segment's start time too.
    const m = /^\/(signed|linear)\/(\d+)(\/.*)$/.exec(path);
    if (m) { ttl = Number(m[2]); path = m[3]; }
    const file = normalize(join(dir, decodeURIComponent(path)));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) return reply(404);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const now = Date.now() / 1000;
    if (ttl !== undefined && extname(file) === '.m3u8') {
      return reply(200, signPlaylist(readFileSync(file, 'utf8'), now, ttl, m[1] === 'linear'), { 'content-type': type, 'cache-control': 'no-store' });
    }
    if (ttl !== undefined) {
      const exp = Number(u.searchParams.get('exp'));
      if (!exp) return reply(403, 'missing signature', { 'cache-control': 'no-store' });
      if (exp < now) return reply(410, 'expired', { 'cache-control': 'no-store' });
    }
    const size = statSync(file).size;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size) return reply(416, '', { 'content-range': `bytes */${size}` });
      log.push({ path: u.pathname, query: u.search, status: 206 });
      res.writeHead(206, { 'content-type': type, 'accept-ranges': 'bytes', 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
      return createReadStream(file, { start, end }).pipe(res);
    }
    log.push({ path: u.pathname, query: u.search, status: 200 });
    res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': size });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`, log,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
