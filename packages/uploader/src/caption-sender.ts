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

/** Sends one caption; resolves with the error to show, or null when the server stored it. */
export async function sendCaption(item: CaptionItem, to: CaptionTarget): Promise<UploadErrorInfo | null> {
  let res: Response;
  try {
    const text = await item.file.text();
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
    return { code: err.code, message: `“${item.file.name}”: ${typeof err.message === 'string' ? err.message : `refused (${res.status})`}`, retriable: false };
  }
  return clientError('SLUICE_ERR_UPLOAD_CAPTION_FAILED', false, `“${item.file.name}” was refused (HTTP ${res.status}).`);
}
