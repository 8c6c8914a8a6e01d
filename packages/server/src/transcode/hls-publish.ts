/**
 * Publishes ffmpeg's growing playlists into the served layout while ffmpeg
 * runs. ffmpeg writes its media playlists and init segments into a private
 * work folder; each time one changes we write hls/<name>.m3u8 (segment URIs
 * made relative to hls/, `#EXT-X-START:TIME-OFFSET=0` added, init copied to
 * hls/<name>/init.mp4), always temp + rename. Once every variant lists a
 * segment we write hls/master.m3u8 ourselves and the video is playable.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SluiceError } from '../errors.js';
import { codecsFromInit } from './codecs.js';
import { copyFileAtomic, writeFileAtomic } from './fs-atomic.js';
import type { Rendition } from './ladder.js';
import { MASTER_NAME, playlistName } from '../storage/media-keys.js';

export interface PublisherOptions {
  /** Where ffmpeg writes `<name>.m3u8` and `init_<N>.mp4`. */
  workDir: string;
  /** The served folder: master.m3u8, <name>.m3u8, <name>/… */
  hlsDir: string;
  renditions: Rendition[];
  frameRate: number;
  onPlayable?(): void;
}

/** hls.js treats an EVENT playlist without ENDLIST as live; this makes it start at 0 (FINDINGS.md). */
export const START_TAG = '#EXT-X-START:TIME-OFFSET=0';
const POLL_MS = 250;

/**
 * ffmpeg's media playlist → the served one. Only complete lines count (a
 * file without a final newline is cut to its last newline).
 */
export function publicPlaylist(source: string, name: string): { text: string; segments: number; mapUri: string | undefined } {
  if (!source.startsWith('#EXTM3U')) return { text: '', segments: 0, mapUri: undefined };
  const complete = source.slice(0, source.lastIndexOf('\n') + 1);
  const out: string[] = [];
  let segments = 0;
  let mapUri: string | undefined;
  let started = false;
  for (const line of complete.split('\n')) {
    if (line === '') continue;
    if (!started && (line.startsWith('#EXT-X-MAP') || line.startsWith('#EXTINF') || line === '#EXT-X-ENDLIST')) {
      out.push(START_TAG);
      started = true;
    }
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (map) {
      mapUri = map[1];
      out.push(`#EXT-X-MAP:URI="${name}/init.mp4"`);
    } else if (!line.startsWith('#')) {
      segments += 1;
      out.push(`${name}/${basename(line.trim())}`);
    } else {
      out.push(line);
    }
  }
  if (!started) out.push(START_TAG);
  // A URI line needs its #EXTINF: a trailing tag without its URI is dropped.
  while (out.length && out[out.length - 1]?.startsWith('#EXTINF')) out.pop();
  return { text: `${out.join('\n')}\n`, segments, mapUri };
}

export class HlsPublisher {
  readonly #o: PublisherOptions;
  readonly #seen = new Map<string, string>();
  readonly #segments = new Map<string, number>();
  readonly #initCopied = new Set<string>();
  #masterWritten = false;
  #running: Promise<void> | undefined;
  #again = false;
  #error: unknown;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: PublisherOptions) {
    this.#o = o;
  }

  get playable(): boolean {
    return this.#masterWritten;
  }

  /** Starts watching the work folder (fs.watch, plus a slow poll as a safety net). */
  async start(): Promise<void> {
    await Promise.all(this.#o.renditions.map((r) => mkdir(join(this.#o.hlsDir, r.name), { recursive: true })));
    try {
      this.#watcher = watch(this.#o.workDir, () => this.#kick());
      this.#watcher.on('error', () => undefined);
    } catch {
      // Some filesystems cannot be watched; the poll below still publishes.
    }
    this.#timer = setInterval(() => this.#kick(), POLL_MS);
  }

  /** Stops watching and waits for a publish in flight. */
  async stop(): Promise<void> {
    this.#watcher?.close();
    clearInterval(this.#timer);
    this.#again = false;
    while (this.#running) await this.#running;
  }

  /** After ffmpeg exited 0: publishes the final playlists and checks they are complete. */
  async finish(): Promise<void> {
    await this.stop();
    const fail = (why: string, cause?: unknown): SluiceError =>
      new SluiceError('SLUICE_ERR_MEDIA_TRANSCODE_FAILED', `Publishing the HLS playlists failed: ${why}`, { cause });
    try {
      await this.#sync();
    } catch (err) {
      this.#error ??= err;
    }
    if (this.#error) throw fail(this.#error instanceof Error ? this.#error.message : String(this.#error), this.#error);
    for (const r of this.#o.renditions) {
      if (!this.#seen.get(r.name)?.includes('#EXT-X-ENDLIST')) throw fail(`ffmpeg exited without closing the ${r.name} playlist (no #EXT-X-ENDLIST).`);
    }
    if (!this.#masterWritten) throw fail('ffmpeg exited before every rendition had a segment.');
  }

  #kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.#sync();
        } catch (err) {
          this.#error ??= err;
        }
      } while (this.#again);
    })().finally(() => { this.#running = undefined; });
  }

  async #sync(): Promise<void> {
    const { workDir, hlsDir, renditions } = this.#o;
    for (const r of renditions) {
      let source: string;
      try {
        source = await readFile(join(workDir, playlistName(r.name)), 'utf8');
      } catch {
        continue; // not written yet
      }
      if (this.#seen.get(r.name) === source) continue;
      const pub = publicPlaylist(source, r.name);
      if (pub.segments === 0) continue;
      if (!this.#initCopied.has(r.name)) {
        if (!pub.mapUri) throw new Error(`ffmpeg's ${r.name} playlist has no #EXT-X-MAP.`);
        // Listed segments imply a complete init segment: ffmpeg writes it before closing the first segment.
        await copyFileAtomic(join(workDir, basename(pub.mapUri)), join(hlsDir, r.name, 'init.mp4'));
        this.#initCopied.add(r.name);
      }
      await writeFileAtomic(join(hlsDir, playlistName(r.name)), pub.text);
      this.#seen.set(r.name, source);
      this.#segments.set(r.name, pub.segments);
    }
    if (!this.#masterWritten && renditions.every((r) => (this.#segments.get(r.name) ?? 0) > 0)) {
      await writeFileAtomic(join(hlsDir, MASTER_NAME), await this.#master());
      this.#masterWritten = true;
      this.#o.onPlayable?.();
    }
  }

  async #master(): Promise<string> {
    const { hlsDir, renditions, frameRate } = this.#o;
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
    for (const r of renditions) {
      const codecs = await codecsFromInit(join(hlsDir, r.name, 'init.mp4'));
      const attrs = [
        `BANDWIDTH=${r.bandwidth}`,
        `AVERAGE-BANDWIDTH=${Math.round((r.videoBitrate + r.audioBitrate) * 1.1)}`,
        `CODECS="${codecs}"`,
        `RESOLUTION=${r.width}x${r.height}`,
      ];
      if (frameRate > 0 && frameRate <= 120) attrs.push(`FRAME-RATE=${frameRate.toFixed(3)}`);
      lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, playlistName(r.name));
    }
    return `${lines.join('\n')}\n`;
  }
}
