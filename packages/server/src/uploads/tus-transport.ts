/**
 * Carries one Node request through @tus/server's web handler (`handleWeb`)
 * and writes its answer ourselves. Why not `tus.handle()`: its Node bridge
 * (srvx) answers early errors in plain text past `onResponseError`, and a
 * second GET of a finished upload closed an already-closed ReadableStream
 * inside undici, an exception no handler could catch, and the process exited.
 * Here every answer is a small string (no GET: Sluice never serves originals
 * through tus), errors become our JSON shape, and a failure anywhere ends in
 * a 500 for that one request, never an unhandled exception.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Server as TusServer } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import type { SluiceClaims } from '../auth/tokens.js';
import { ERRORS, SluiceError, errorBody, type ErrorCode } from '../errors.js';
import { sluiceErrorForTus } from './tus-errors.js';

/** What Sluice's route learnt about a request before tus sees it (tus hooks only get the web Request). */
export interface UploadRequestContext {
  res: ServerResponse;
  claims?: SluiceClaims;
  /** The upload the URL's capability grants (absent on creation and OPTIONS). */
  uploadId?: string;
}

const contexts = new WeakMap<Request, UploadRequestContext>();
export const uploadContext = (req: Request): UploadRequestContext | undefined => contexts.get(req);

function webRequest(raw: IncomingMessage, res: ServerResponse): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = raw.method ?? 'GET';
  const withBody = method === 'POST' || method === 'PATCH';
  // The host is not ours to trust here: tus reads the Host header itself for Location.
  const init: RequestInit & { duplex?: 'half' } = {
    method, headers,
    ...(withBody ? { body: Readable.toWeb(raw) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  };
  const req = new Request(new URL(raw.url ?? '/', 'http://upload.invalid'), init);
  // Where @tus/server looks for the Node request (srvx's shape) to abort at once when the client
  // goes away: without it a resume waits lockDrainTimeout for the dead PATCH's lock (12 ms → ~390 ms).
  return Object.assign(req, { runtime: { node: { req: raw, res } } });
}

/** Writes a JSON error answer on a raw response (or ends the connection if headers are gone already). */
export function writeError(res: ServerResponse, e: SluiceError, extra: Record<string, string> = {}, headOnly = false): void {
  if (res.headersSent) { res.destroy(); return; }
  const body = JSON.stringify(errorBody(e));
  res.writeHead(e.statusCode, { ...extra, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
  res.end(headOnly ? undefined : body);
}

function ourError(status: number, body: string): SluiceError | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof code?.code === 'string' && code.code in ERRORS && typeof code.message === 'string') {
      const e = new SluiceError(code.code as ErrorCode, code.message);
      return e.statusCode === status ? e : undefined;
    }
  } catch { /* not ours */ }
  return undefined;
}

/** What one request did, for metrics: bytes it added to the upload (by Upload-Offset), or its error code. */
export interface TusOutcome { bytes: number; code?: ErrorCode }

/** Bytes a successful PATCH (or a POST with creation-with-upload) added: the answered offset less the one it started at. */
function bytesAdded(raw: IncomingMessage, status: number, headers: Record<string, string>): number {
  const answered = Number(headers['upload-offset']);
  if (status >= 300 || !Number.isSafeInteger(answered)) return 0;
  const from = raw.method === 'PATCH' ? Number(raw.headers['upload-offset']) : 0;
  return Number.isSafeInteger(from) && answered > from ? answered - from : 0;
}

export async function serveTus(tus: TusServer, raw: IncomingMessage, ctx: UploadRequestContext, log: FastifyBaseLogger): Promise<TusOutcome> {
  const { res } = ctx;
  const headOnly = raw.method === 'HEAD';
  try {
    const req = webRequest(raw, res);
    contexts.set(req, ctx);
    const answer = await tus.handleWeb(req);
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => { headers[name] = value; });
    const text = headOnly ? '' : await answer.text();
    if (answer.status >= 400) {
      const e = ourError(answer.status, text) ?? sluiceErrorForTus({ status_code: answer.status, body: text });
      delete headers['content-length'];
      delete headers['content-type'];
      if (e.code === 'SLUICE_ERR_UPLOAD_VERSION_UNSUPPORTED') headers['tus-version'] = '1.0.0';
      writeError(res, e, headers, headOnly);
      return { bytes: 0, code: e.code };
    }
    // Response() adds text/plain to empty tus answers; they have no body to type.
    if (text === '') delete headers['content-type'];
    if (answer.status !== 204) headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(answer.status, headers);
    res.end(headOnly ? undefined : text);
    return { bytes: bytesAdded(raw, answer.status, headers) };
  } catch (err) {
    log.error({ err }, 'tus request failed');
    writeError(res, new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: err }), {}, headOnly);
    return { bytes: 0, code: 'SLUICE_ERR_SERVER_INTERNAL' };
  }
}
