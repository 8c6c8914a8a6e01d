/**
 * A finished rendition as one fragmented MP4 byte stream: its init segment
 * followed by every segment its playlist lists. ffmpeg reads it on stdin to
 * remux the MP4 fallback or draw the storyboard without a temp copy.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { playlistName } from '../storage/media-keys.js';

/** Paths (under hlsDir) of `name`'s init segment and segments, in playback order. */
export async function renditionFiles(hlsDir: string, name: string): Promise<string[]> {
  const playlist = await readFile(join(hlsDir, playlistName(name)), 'utf8');
  const files: string[] = [];
  for (const line of playlist.split('\n')) {
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (map?.[1]) files.push(join(hlsDir, map[1]));
    else if (line && !line.startsWith('#')) files.push(join(hlsDir, line.trim()));
  }
  return files;
}

export function concatStream(files: string[]): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const f of files) {
      for await (const chunk of createReadStream(f)) yield chunk as Buffer;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
