/**
 * A FAKE Google Cloud Storage server, for a service we cannot run here: no
 * GCS emulator is available (no Docker; fake-gcs-server is a Go binary on
 * neither npm nor apt). STYLE.md: "A fake is for a failure you cannot cause
 * for real, and says so." So, exactly:
 *
 * WHAT IT PROVES. The real @google-cloud/storage client (pointed at it with
 * apiEndpoint) drives it over real HTTP, so our backend's requests are the
 * SDK's real ones: multipart and resumable uploads (incl. the SDK's own
 * crc32c/md5 validation against what the fake reports), media GET with Range,
 * metadata, list with prefix + pageToken (pages are kept small on purpose),
 * delete, PATCH metadata and compose (what @tus/gcs-store uses). Presigned
 * URLs are checked honestly: the fake rebuilds the V4 canonical request,
 * verifies the RSA-SHA256 signature with the public key derived from the
 * dummy service-account key, then the X-Goog-Date + X-Goog-Expires window
 * (expired → 400 ExpiredToken, bad signature → 403, as GCS answers). Keyless
 * signing is exercised through a signBlob endpoint that signs with that key or
 * refuses with GCS's PERMISSION_DENIED body.
 *
 * WHAT IT DOES NOT PROVE. That real GCS answers as this fake does: the fake is
 * written from the JSON/XML API docs, not from GCS's behaviour. Not covered:
 * OAuth (the SDK skips auth for a custom endpoint), IAM permissions, bucket
 * CORS, retries/backoff on 429/5xx, preconditions, generations beyond "new
 * etag per write", resumable-session recovery after a dropped connection,
 * gzip transcoding, and the exact canonicalisation of headers other than
 * `host` (the conformance vectors in gcs-signing.test.ts cover signing).
 */
import { createPrivateKey, createPublicKey, createSign, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32c, customMetadata, md5, newObject, resourceOf, type FakeObject } from './gcs-fake-objects.js';
import { checkSignedRequest } from './gcs-fake-signed.js';

export interface FakeGcsOptions {
  bucket: string;
  serviceAccount: { client_email: string; private_key: string };
  /** Objects per list page (GCS allows up to 1000; small pages make the client page). */
  pageSize?: number;
}

export interface FakeGcs {
  /** http://127.0.0.1:<port>: the apiEndpoint, also the host of signed URLs and the signBlob endpoint's origin. */
  endpoint: string;
  /** For signingEndpoint: where google-auth-library POSTs `<email>:signBlob`. */
  signBlobEndpoint: string;
  objects: Map<string, FakeObject>;
  /** Every request as "METHOD /path" plus "?uploadType=…" for uploads, in order. */
  requests: string[];
  /** 'deny' answers signBlob with 403 PERMISSION_DENIED, as IAM does without iam.serviceAccounts.signBlob. */
  signBlob: 'allow' | 'deny';
  close(): Promise<void>;
}

interface Session { name: string; resource: Record<string, unknown>; chunks: Buffer[]; received: number; done?: FakeObject }

export async function startFakeGcs(options: FakeGcsOptions): Promise<FakeGcs> {
  const privateKey = createPrivateKey(options.serviceAccount.private_key);
  const publicKey = createPublicKey(privateKey);
  const objects = new Map<string, FakeObject>();
  const sessions = new Map<string, Session>();
  const pageSize = options.pageSize ?? 1000;
  const bucket = options.bucket;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, reason: string, message: string): void =>
    json(res, status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
  const store = (name: string, data: Buffer, resource: Record<string, unknown>): FakeObject => {
    const o = newObject(name, data, resource, objects.get(name));
    objects.set(name, o);
    return o;
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => route(req, res, body)).catch((err: unknown) => {
      if (!res.headersSent) apiError(res, 500, 'backendError', String(err));
    });
  });

  function route(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').slice(1);
    const q = url.searchParams;
    const api = parts[0] === 'upload' ? parts.slice(1) : parts;
    fake.requests.push(`${req.method} ${url.pathname}${q.has('uploadType') ? `?uploadType=${q.get('uploadType')}` : ''}`);
    if (api[0] === 'storage' && api[2] === 'b' && api[3] !== bucket) return apiError(res, 404, 'notFound', 'The specified bucket does not exist.');
    if (api[0] === 'storage' && api[1] === 'v1' && api[2] === 'b' && api[3] === bucket && api[4] === 'o') {
      const name = api[5] === undefined ? undefined : decodeURIComponent(api[5]);
      if (parts[0] === 'upload') return upload(req, res, body, q);
      if (name === undefined) return list(res, q);
      if (api[6] === 'compose' && req.method === 'POST') return compose(res, name, body);
      const o = objects.get(name);
      if (!o) return apiError(res, 404, 'notFound', `No such object: ${bucket}/${name}`);
      if (req.method === 'DELETE') { objects.delete(name); res.writeHead(204).end(); return; }
      if (req.method === 'PATCH') {
        const patch = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
        o.metadata = customMetadata(patch.metadata, o.metadata);
        if (typeof patch.contentType === 'string') o.contentType = patch.contentType;
        o.metageneration += 1;
        o.updated = new Date();
        return json(res, 200, resourceOf(bucket, o));
      }
      if (req.method === 'GET' && q.get('alt') === 'media') return media(req, res, o);
      if (req.method === 'GET') return json(res, 200, resourceOf(bucket, o));
    }
    if (req.method === 'POST' && parts[0] === 'v1' && url.pathname.endsWith(':signBlob')) return signBlob(req, res, body);
    if (req.method === 'GET' && parts[0] === bucket && q.has('X-Goog-Signature')) return signedGet(req, res, decodeURIComponent(parts.slice(1).join('/')));
    apiError(res, 400, 'invalid', `fake GCS does not implement ${req.method} ${url.pathname}`);
  }

  function list(res: ServerResponse, q: URLSearchParams): void {
    const prefix = q.get('prefix') ?? '';
    const after = q.get('pageToken') ? Buffer.from(q.get('pageToken')!, 'base64url').toString() : '';
    const max = Math.min(pageSize, Number(q.get('maxResults') ?? 1000));
    const names = [...objects.keys()].filter((n) => n.startsWith(prefix) && n > after).sort();
    const page = names.slice(0, max);
    const more = names.length > max;
    json(res, 200, {
      kind: 'storage#objects',
      ...(page.length ? { items: page.map((n) => resourceOf(bucket, objects.get(n)!)) } : {}),
      ...(more ? { nextPageToken: Buffer.from(page.at(-1)!).toString('base64url') } : {}),
    });
  }

  function media(req: IncomingMessage, res: ServerResponse, o: FakeObject, contentType = o.contentType): void {
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-goog-hash': `crc32c=${crc32c(o.data)},md5=${md5(o.data)}`,
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-generation': String(o.generation),
      'accept-ranges': 'bytes',
    };
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m || (m[1] === '' && m[2] === '')) { res.writeHead(200, { ...headers, 'content-length': String(o.data.length) }).end(o.data); return; }
    const size = o.data.length;
    const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
    const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || start > end) { res.writeHead(416, { 'content-range': `bytes */${size}` }).end(); return; }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1) })
      .end(o.data.subarray(start, end + 1));
  }

  function upload(req: IncomingMessage, res: ServerResponse, body: Buffer, q: URLSearchParams): void {
    const type = q.get('uploadType');
    if (req.method === 'POST' && type === 'multipart') {
      const [meta, data] = multipart(body, String(req.headers['content-type']));
      const resource = JSON.parse(meta.toString() || '{}') as Record<string, unknown>;
      const name = q.get('name') ?? String(resource.name);
      return json(res, 200, resourceOf(bucket, store(name, data, resource)));
    }
    if (req.method === 'POST' && type === 'resumable') {
      const resource = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
      const ct = req.headers['x-upload-content-type'];
      if (typeof ct === 'string') resource.contentType = ct;
      const id = randomBytes(8).toString('hex');
      sessions.set(id, { name: q.get('name') ?? String(resource.name), resource, chunks: [], received: 0 });
      const location = `${fake.endpoint}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&upload_id=${id}`;
      return json(res, 200, {}, { location });
    }
    const s = sessions.get(q.get('upload_id') ?? '');
    if (req.method !== 'PUT' || !s) return apiError(res, 404, 'notFound', 'No such upload session');
    if (s.done) return json(res, 200, resourceOf(bucket, s.done));
    // Content-Range: "bytes a-b/total", "bytes a-*/total|*" (rest of the stream) or "bytes */total|*" (status query).
    const m = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(String(req.headers['content-range'] ?? `bytes 0-*/${body.length}`));
    if (!m) return apiError(res, 400, 'invalid', `bad Content-Range ${req.headers['content-range']}`);
    if (m[1] !== undefined) {
      if (Number(m[1]) !== s.received) return apiError(res, 400, 'invalid', `chunk starts at ${m[1]}, expected ${s.received}`);
      s.chunks.push(body);
      s.received += body.length;
    }
    const total = m[3] === '*' ? (m[2] === '*' ? s.received : undefined) : Number(m[3]);
    if (total === undefined || s.received < total) {
      res.writeHead(308, s.received ? { range: `bytes=0-${s.received - 1}` } : {}).end();
      return;
    }
    const data = Buffer.concat(s.chunks);
    const hash = String(req.headers['x-goog-hash'] ?? '');
    if (hash && !hash.split(',').every((h) => h === `crc32c=${crc32c(data)}` || h === `md5=${md5(data)}`)) {
      return apiError(res, 400, 'invalid', `X-Goog-Hash ${hash} does not match the data`);
    }
    s.done = store(s.name, data, s.resource);
    json(res, 200, resourceOf(bucket, s.done));
  }

  function compose(res: ServerResponse, name: string, body: Buffer): void {
    const reqBody = JSON.parse(body.toString()) as { sourceObjects?: { name: string }[]; destination?: Record<string, unknown> };
    const sources = (reqBody.sourceObjects ?? []).map((s) => objects.get(s.name));
    if (sources.some((s) => !s)) return apiError(res, 404, 'notFound', 'A source object does not exist');
    const data = Buffer.concat(sources.map((s) => s!.data));
    json(res, 200, resourceOf(bucket, store(name, data, reqBody.destination ?? {})));
  }

  function signBlob(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (!/^Bearer \S+/.test(String(req.headers.authorization))) return apiError(res, 401, 'unauthorized', 'Request is missing required authentication credential.');
    if (fake.signBlob === 'deny') {
      return json(res, 403, { error: { code: 403, message: "Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist).", status: 'PERMISSION_DENIED' } });
    }
    const payload = Buffer.from((JSON.parse(body.toString()) as { payload: string }).payload, 'base64');
    const signedBlob = createSign('RSA-SHA256').update(payload).sign(privateKey, 'base64');
    json(res, 200, { keyId: 'fake-key', signedBlob });
  }

  function signedGet(req: IncomingMessage, res: ServerResponse, name: string): void {
    const check = checkSignedRequest(req, publicKey, options.serviceAccount.client_email);
    if (!check.ok) {
      res.writeHead(check.status, { 'content-type': 'application/xml; charset=UTF-8' })
        .end(`<?xml version='1.0' encoding='UTF-8'?><Error><Code>${check.code}</Code><Message>${check.message}</Message></Error>`);
      return;
    }
    const o = objects.get(name);
    if (!o) { res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>'); return; }
    media(req, res, o, new URL(req.url ?? '/', 'http://fake').searchParams.get('response-content-type') ?? o.contentType);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeGcs = {
    endpoint: `http://127.0.0.1:${port}`,
    signBlobEndpoint: `http://127.0.0.1:${port}/v1/projects/-/serviceAccounts/`,
    objects,
    requests: [],
    signBlob: 'allow',
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return fake;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** multipart/related (RFC 2387) with two parts: the JSON resource, then the media. */
function multipart(body: Buffer, contentType: string): [Buffer, Buffer] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const text = body.toString('latin1');
  const parts = text.split(`--${boundary}`).slice(1, -1).map((p) => {
    const sep = p.indexOf('\r\n\r\n');
    return Buffer.from(p.slice(sep + 4, p.endsWith('\r\n') ? -2 : undefined), 'latin1');
  });
  if (parts.length !== 2) throw new Error(`expected 2 parts, got ${parts.length}`);
  return [parts[0]!, parts[1]!];
}
