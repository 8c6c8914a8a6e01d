/**
 * Text subtitle streams of an original → WebVTT bytes, one ffmpeg run per
 * stream (`-map 0:<index> -c:s webvtt -f webvtt`), confined by the same
 * input allow-list as every other ffmpeg input and pinned to the demuxer
 * the probe found. Bitmap subtitles (DVD, PGS, DVB) have no text and are
 * skipped; a stream ffmpeg cannot convert is skipped too: neither may fail
 * the video. What comes out still goes through the caption validation.
 */
import { execFile } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import { diesWithParent } from './child-lifetime.js';
import { fileUrl, inputPolicy } from './input-policy.js';
import type { ProbeResult, SubtitleStream } from './probe.js';

/** Codecs ffmpeg can turn into WebVTT text. */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set(['mov_text', 'subrip', 'srt', 'ass', 'ssa', 'webvtt', 'text']);

const EXTRACT_TIMEOUT_MS = 120_000;
/** ffmpeg's output is capped a little above what validation accepts (it refuses more itself). */
const MAX_OUTPUT = 8 * 1024 * 1024;

export interface ExtractedSubtitle {
  stream: SubtitleStream;
  /** ffmpeg's WebVTT output (UTF-8). */
  bytes: Buffer;
}

export interface ExtractOptions {
  input: string;
  probe: ProbeResult;
  ffmpegPath: string;
  signal?: AbortSignal | undefined;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
}

export async function extractTextSubtitles(o: ExtractOptions): Promise<ExtractedSubtitle[]> {
  const out: ExtractedSubtitle[] = [];
  for (const stream of o.probe.subtitles) {
    if (!TEXT_SUBTITLE_CODECS.has(stream.codec)) {
      o.log.info({ stream: stream.index, codec: stream.codec }, 'skipping a bitmap (or unknown) subtitle stream: no text to extract');
      continue;
    }
    if (o.signal?.aborted) break;
    try {
      out.push({ stream, bytes: await extractOne(o, stream.index) });
    } catch (err) {
      if (o.signal?.aborted) break;
      o.log.warn({ stream: stream.index, codec: stream.codec, err: err instanceof Error ? err.message : String(err) }, 'a subtitle stream could not be extracted; skipped');
    }
  }
  return out;
}

function extractOne(o: ExtractOptions, index: number): Promise<Buffer> {
  const args = ['-nostdin', '-v', 'error', ...inputPolicy('file', o.probe.format), '-i', fileUrl(o.input),
    '-map', `0:${index}`, '-c:s', 'webvtt', '-f', 'webvtt', 'pipe:1'];
  return new Promise((resolve, reject) => {
    execFile(diesWithParent(o.ffmpegPath), args, { encoding: 'buffer', timeout: EXTRACT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, ...(o.signal ? { signal: o.signal } : {}) }, (err, stdout, stderr) => {
      if (err) {
        // Paths stay out of the message (it is logged, never shown).
        reject(new Error(`ffmpeg could not extract stream ${index}: ${stderr.toString('utf8').split(o.input).join('<input>').trim().slice(-300) || err.message}`));
        return;
      }
      resolve(stdout);
    });
  });
}
