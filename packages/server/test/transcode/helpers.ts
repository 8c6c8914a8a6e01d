/** Shared helpers for the transcode tests: fixtures, ffprobe, playlists, MP4 boxes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = process.env.SLUICE_TEST_FIXTURES
  ?? fileURLToPath(new URL('../../../../test/fixtures/.cache', import.meta.url));
export const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
export const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

export const fixture = (name: string): string => join(FIXTURES, name);
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'sluice-transcode-'));

export interface ProbedStream { codec_type: string; codec_name: string; width?: number; height?: number; nb_read_frames?: string }

/** ffprobe's streams of a file (optionally counting decoded frames), and whatever it complained about. */
export function ffprobeStreams(file: string, countFrames = false): { streams: ProbedStream[]; errors: string } {
  const args = ['-v', 'error', '-of', 'json', '-show_streams', ...(countFrames ? ['-count_frames'] : []), file];
  const r = spawnSync(FFPROBE, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${file} failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { streams?: ProbedStream[] };
  return { streams: parsed.streams ?? [], errors: r.stderr.trim() };
}

export interface MediaPlaylist { map: string | undefined; segments: Array<{ duration: number; uri: string }>; tags: string[]; endlist: boolean }

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split('\n').filter(Boolean);
  const segments: MediaPlaylist['segments'] = [];
  let pending: number | undefined;
  let map: string | undefined;
  for (const line of lines) {
    const inf = /^#EXTINF:([\d.]+),/.exec(line);
    if (inf) pending = Number(inf[1]);
    const m = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (m) map = m[1];
    if (!line.startsWith('#')) {
      segments.push({ duration: pending ?? NaN, uri: line });
      pending = undefined;
    }
  }
  return { map, segments, tags: lines.filter((l) => l.startsWith('#')), endlist: lines.includes('#EXT-X-ENDLIST') };
}

export interface Variant { attrs: Record<string, string>; uri: string }

export function parseMaster(text: string): Variant[] {
  const lines = text.split('\n').filter(Boolean);
  const out: Variant[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const attrs: Record<string, string> = {};
    for (const m of line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)) {
      attrs[m[1] ?? ''] = (m[2] ?? '').replace(/^"|"$/g, '');
    }
    out.push({ attrs, uri: lines[i + 1] ?? '' });
  });
  return out;
}

/** Top-level MP4 box types in file order. */
export function topLevelBoxes(file: string): string[] {
  const buf = readFileSync(file);
  const types: string[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    if (size === 0) size = buf.length - at;
    types.push(type);
    if (size < 8) break;
    at += size;
  }
  return types;
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
