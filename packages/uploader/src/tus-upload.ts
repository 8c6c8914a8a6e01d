/**
 * Builds the tus-js-client Upload for one file: our resume storage and
 * fingerprint, a plain Blob reader, tus-js-client's XHR stack (XHR, not
 * fetch, because only XHR reports upload progress), and no internal retries —
 * UploadTask retries itself, with backoff, stall detection and offline waiting.
 */
import BaseUpload from 'tus-js-client/lib/upload.js';
import XHRHttpStack from 'tus-js-client/lib/browser/httpStack.js';
import type { HttpRequest, HttpResponse, Upload } from 'tus-js-client';
import { fingerprint, ResumeStore, type ResumeExtras } from './resume-store.js';

export type { HttpRequest, HttpResponse, Upload };

/** What tus reports back to the task. */
export interface TusHooks {
  beforeRequest(req: HttpRequest): Promise<void>;
  afterResponse(req: HttpRequest, res: HttpResponse): void;
  urlAvailable(): void;
  progress(bytesSent: number, bytesTotal: number): void;
  chunkComplete(bytesAccepted: number): void;
  success(): void;
  error(err: Error): void;
  /** Read when tus stores the upload for resuming. */
  extras(): ResumeExtras;
}

export interface TusSettings {
  /** Absolute tus creation URL. */
  endpoint: string;
  /** Bytes per PATCH request. */
  chunkSize: number;
  /** Upload-Metadata (the server reads filename, filetype, title). */
  metadata: Record<string, string>;
  /** Seconds an unfinished upload stays resumable in this browser. */
  resumeTtl: number;
}

/** The input is always a File: each chunk is a Blob slice, sent as is. */
const blobReader = {
  async openFile(file: Blob) {
    return {
      size: file.size,
      slice: async (start: number, end: number) => ({ value: file.slice(start, end), done: end >= file.size }),
      close() {},
    };
  },
};

let httpStack: XHRHttpStack | undefined;

/**
 * A response header, or null when CORS does not expose it — checked first,
 * because Chromium logs "Refused to get unsafe header" for every unexposed
 * header read through getResponseHeader().
 */
export function exposedHeader(res: HttpResponse, name: string): string | null {
  const xhr: unknown = res.getUnderlyingObject();
  if (xhr instanceof XMLHttpRequest && !xhr.getAllResponseHeaders().toLowerCase().includes(`${name.toLowerCase()}:`)) return null;
  return res.getHeader(name) ?? null;
}

export function createTusUpload(file: File, settings: TusSettings, hooks: TusHooks): Upload {
  httpStack ??= new XHRHttpStack();
  return new BaseUpload(file, {
    ...BaseUpload.defaultOptions,
    endpoint: settings.endpoint,
    chunkSize: settings.chunkSize,
    metadata: settings.metadata,
    retryDelays: null,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    urlStorage: new ResumeStore(settings.resumeTtl, hooks.extras),
    fingerprint: async (f: File) => fingerprint(f, settings.endpoint),
    fileReader: blobReader,
    httpStack,
    onBeforeRequest: hooks.beforeRequest,
    onAfterResponse: hooks.afterResponse,
    onUploadUrlAvailable: hooks.urlAvailable,
    onProgress: hooks.progress,
    onChunkComplete: (_size, accepted) => hooks.chunkComplete(accepted),
    onSuccess: hooks.success,
    onError: hooks.error,
  });
}
