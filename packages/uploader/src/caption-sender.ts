/**
 * Sends an upload's caption files once the server has created its video
 * (engine chunk): POST /api/videos/:id/captions with the upload token, one
 * file at a time. A refusal is the caption's, never the video's.
 */
import { clientError, type UploadErrorInfo } from './errors.js';
import type { CaptionItem } from './upload-item.js';

export interface CaptionTarget {
  /** The tus creation URL (…/api/uploads): the captions route sits beside it (…/api/videos/:id/captions). */
  endpoint: string;
  videoId: string;
  token: string | undefined;
}

export function captionsUrl(endpoint: string, videoId: string): string {
  return new URL(`videos/${encodeURIComponent(videoId)}/captions`, endpoint.replace(/\/+$/, '')).href;
}

/**
 * The file's text, decoded as the server decodes caption bytes: UTF-8, or
 * UTF-16 with a byte order mark. `File.text()` would turn invalid UTF-8
 * (a Latin-1 SRT) into U+FFFD silently; this refuses it with the server's
 * own code for it instead. Null when it is not text in those encodings.
 */
async function decode(file: File): Promise<string | null> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const label = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  try { return new TextDecoder(label, { fatal: true }).decode(bytes); } catch { return null; }
}

/** Sends one caption; resolves with the error to show, or null when the server stored it. */
export async function sendCaption(item: CaptionItem, to: CaptionTarget): Promise<UploadErrorInfo | null> {
  let res: Response;
  try {
    const text = await decode(item.file);
    if (text === null) {
      return { code: 'SLUICE_ERR_CAPTIONS_ENCODING', retriable: false, message: `“${item.file.name}” is not UTF-8 text (nor UTF-16 with a byte order mark); save it as UTF-8.` };
    }
    res = await fetch(captionsUrl(to.endpoint, to.videoId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(to.token ? { authorization: `Bearer ${to.token}` } : {}) },
      body: JSON.stringify({ lang: item.lang, text }),
    });
  } catch (cause) {
    return clientError('SLUICE_ERR_UPLOAD_CAPTION_FAILED', false, `“${item.file.name}” could not be sent (${cause instanceof Error ? cause.message : String(cause)}).`);
  }
  if (res.ok) return null;
  const body: unknown = await res.json().catch(() => undefined);
  const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof err?.code === 'string') {
    // The server hides videos a token may not change; the usual cause here is an upload token minted without `sub`.
    const hint = err.code === 'SLUICE_ERR_VIDEO_NOT_FOUND' ? ' Adding captions needs an upload token with a `sub` (the video’s owner).' : '';
    return { code: err.code, message: `“${item.file.name}”: ${typeof err.message === 'string' ? err.message : `refused (${res.status})`}${hint}`, retriable: false };
  }
  return clientError('SLUICE_ERR_UPLOAD_CAPTION_FAILED', false, `“${item.file.name}” was refused (HTTP ${res.status}).`);
}
