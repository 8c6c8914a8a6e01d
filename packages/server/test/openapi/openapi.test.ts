/**
 * GET /api/openapi.json: valid OpenAPI 3.1 (a real validator), every API
 * route documented (summary, success response, in the document), error codes
 * from the catalogue, the status document schema key for key, and the
 * test-time response check failing loudly on a response that lies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { SERVER_ERRORS, type CaptionTrack as CaptionTrackType, type StatusDocument as StatusDocumentType } from '@sluice/protocol';
import { buildApp } from '../../src/app.js';
import { loadConfig, resolveSecret } from '../../src/config.js';
import { checkedRoutes } from '../../src/http/response-check.js';
import { CaptionTrack, StatusDocument, routeSchema } from '../../src/http/schemas.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DEMO_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'demo');
const PKG = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  'x-error-codes'?: string[];
  responses: Record<string, { description: string; content?: Record<string, { schema: { properties?: { error?: { properties: { code: { enum: string[] } } } } } }> }>;
}
interface OpenApiDoc { openapi: string; info: { version: string }; servers?: Array<{ url: string }>; paths: Record<string, Record<string, Operation>> }

let t: TestApp;
let doc: OpenApiDoc;

before(async () => {
  // The demo files are served too, so the test sees that they are hidden.
  t = await startTestApp({ SLUICE_DEMO_DIR: DEMO_DIR, SLUICE_PUBLIC_URL: 'https://video.example.com', SLUICE_CORS_ORIGINS: '*' });
  const res = await fetch(`${t.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  doc = (await res.json()) as OpenApiDoc;
});
after(() => t.close());

/** Fastify `/a/:id/*` → OpenAPI `/a/{id}/{*}` (as @fastify/swagger writes it). */
const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}').replace(/\*/g, '{*}');

test('the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
  assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 2));
  assert.equal(result.valid, true);
});

test('info.version is the package version; servers come from SLUICE_PUBLIC_URL', () => {
  assert.equal(doc.info.version, PKG.version);
  assert.deepEqual(doc.servers, [{ url: 'https://video.example.com' }]);
});

test('every API route has a summary, a success response schema and its operation in the document; demo files are hidden', () => {
  const routes = checkedRoutes(t.app);
  assert.ok(routes.length > 10, `routes seen: ${routes.length}`);
  const hidden: string[] = [];
  let documented = 0;
  for (const { method, url, schema } of routes) {
    if (schema?.hide === true) { hidden.push(`${method} ${url}`); continue; }
    // Fastify's automatic HEAD for a GET route answers like the GET (documented there).
    if (method === 'HEAD' && routes.some((r) => r.method === 'GET' && r.url === url) && !(url.startsWith('/media'))) continue;
    const name = `${method} ${url}`;
    assert.ok(schema, `${name} has no schema`);
    assert.equal(typeof schema.summary, 'string', `${name} has no summary`);
    const response = schema.response as Record<string, unknown> | undefined;
    assert.ok(response && Object.keys(response).some((s) => /^[23]/.test(s)), `${name} declares no success response`);
    const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
    assert.ok(op, `${name} is missing from /api/openapi.json`);
    assert.equal(op.summary, schema.summary);
    documented++;
  }
  // Only the demo's static files and CORS preflight are hidden: nothing of the API.
  for (const h of hidden) assert.match(h, /^(GET|HEAD) \/\*$|^OPTIONS \*$/, `${h} is hidden from the document`);
  assert.ok(hidden.includes('GET /*'), 'the demo files route was not seen (is SLUICE_DEMO_DIR served?)');
  const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  assert.equal(operations, documented, 'the document has operations that are not routes');
});

test('every operation lists catalogue codes in x-error-codes, each in the error response of its status', () => {
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const codes = op['x-error-codes'];
      assert.ok(Array.isArray(codes) && codes.length > 0, `${method} ${path}: no x-error-codes`);
      for (const code of codes) {
        const entry = SERVER_ERRORS[code as keyof typeof SERVER_ERRORS];
        assert.ok(entry, `${method} ${path}: ${code} is not in the catalogue`);
        const response = op.responses[String(entry.status)];
        assert.ok(response, `${method} ${path}: no ${entry.status} response for ${code}`);
        assert.ok(response.description.includes(code), `${method} ${path}: the ${entry.status} description does not name ${code}`);
        const listed = response.content?.['application/json']?.schema.properties?.error?.properties.code.enum;
        assert.ok(listed?.includes(code), `${method} ${path}: the ${entry.status} body schema does not allow ${code}`);
      }
      assert.ok(Array.isArray(op.security), `${method} ${path}: no security requirement (use [] for public)`);
    }
  }
});

test('security: JWT routes name their audiences, /media its signature, the document and health are public', () => {
  assert.deepEqual(doc.paths['/api/openapi.json']!.get!.security, []);
  assert.deepEqual(doc.paths['/healthz']!.get!.security, []);
  assert.deepEqual(doc.paths['/media/{*}']!.get!.security, [{ signedUrl: [] }]);
  assert.deepEqual(doc.paths['/api/videos/{id}']!.get!.security, [{ bearer: ['playback', 'admin'] }, { tokenQuery: ['playback', 'admin'] }]);
  assert.deepEqual(doc.paths['/api/uploads']!.post!.security, [{ bearer: ['upload', 'admin'] }, { tokenQuery: ['upload', 'admin'] }]);
  assert.deepEqual(doc.paths['/api/videos']!.get!.security, [{ bearer: ['admin'] }, { tokenQuery: ['admin'] }]);
  // Captions: read with playback, changed with the creating upload token (or admin); thumbnails also take a signed URL.
  const admin = [{ bearer: ['admin'] }, { tokenQuery: ['admin'] }];
  const playback = [{ bearer: ['playback', 'admin'] }, { tokenQuery: ['playback', 'admin'] }];
  const upload = [{ bearer: ['upload', 'admin'] }, { tokenQuery: ['upload', 'admin'] }];
  assert.deepEqual(doc.paths['/api/videos/{id}/captions']!.get!.security, playback);
  assert.deepEqual(doc.paths['/api/videos/{id}/captions']!.post!.security, upload);
  assert.deepEqual(doc.paths['/api/videos/{id}/captions/{trackId}']!.put!.security, upload);
  assert.deepEqual(doc.paths['/api/videos/{id}/captions/{trackId}']!.delete!.security, upload);
  for (const format of ['jpg', 'webp']) assert.deepEqual(doc.paths[`/api/videos/{id}/thumbnail.${format}`]!.get!.security, [...playback, { signedUrl: [] }]);
  assert.deepEqual(doc.paths['/metrics']!.get!.security, admin);
  assert.deepEqual(doc.paths['/api/admin/webhooks/deliveries']!.get!.security, admin);
  assert.deepEqual(doc.paths['/api/admin/webhooks/deliveries/{id}/redeliver']!.post!.security, admin);
});

test('non-JSON answers are described by their content types: pictures, metrics text, playlists, WebVTT', () => {
  const types = (path: string, method = 'get', status = '200'): string[] => Object.keys(doc.paths[path]![method]!.responses[status]?.content ?? {});
  assert.deepEqual(types('/api/videos/{id}/thumbnail.jpg'), ['image/jpeg']);
  assert.deepEqual(types('/api/videos/{id}/thumbnail.webp'), ['image/webp']);
  assert.ok(doc.paths['/api/videos/{id}/thumbnail.jpg']!.get!.responses['304']);
  assert.deepEqual(types('/metrics'), ['text/plain']);
  assert.deepEqual(types('/api/videos/{id}/hls/{file}'), ['application/vnd.apple.mpegurl']);
  assert.ok(JSON.stringify(doc.paths['/api/videos/{id}/hls/{file}']).includes('subtitles-<track id>.m3u8'));
  assert.deepEqual(types('/api/videos/{id}/storyboard.vtt'), ['text/vtt']);
});

test('tus endpoints are described as tus 1.0: headers, statuses, offset+octet-stream', () => {
  const post = doc.paths['/api/uploads']!.post!;
  assert.ok(post.responses['201']);
  for (const status of ['412', '413']) assert.ok(post.responses[status], `POST /api/uploads: ${status}`);
  const patch = doc.paths['/api/uploads/{id}']!.patch!;
  for (const status of ['204', '409', '412', '413', '415']) assert.ok(patch.responses[status], `PATCH: ${status}`);
  const text = JSON.stringify(doc.paths['/api/uploads/{id}']);
  for (const header of ['tus-resumable', 'upload-offset', 'Upload-Offset', 'Upload-Length', 'Upload-Defer-Length', 'Upload-Metadata']) assert.ok(text.includes(header), header);
  assert.ok(JSON.stringify(doc.paths['/api/uploads']).includes('"Location"'));
  const body = (doc.paths['/api/uploads/{id}']!.patch as unknown as { requestBody: { content: Record<string, unknown> } }).requestBody;
  assert.deepEqual(Object.keys(body.content), ['application/offset+octet-stream']);
  const media = doc.paths['/media/{*}']!.get!;
  for (const status of ['200', '206', '304', '412', '416']) assert.ok(media.responses[status], `/media: ${status}`);
  assert.ok(doc.paths['/api/videos/{id}/events']!.get!.responses['200']!.content?.['text/event-stream']);
});

// Exactly the keys of the protocol's StatusDocument, and which are required: the compiler checks this table against the type.
type Requiredness<T> = { [K in keyof T]-?: undefined extends T[K] ? false : true };
const STATUS_DOCUMENT_KEYS: Requiredness<StatusDocumentType> = {
  id: true, status: true, progress: true, playable: true, error: false, title: true, duration: false, width: false, height: false,
  renditions: true, hls: false, mp4: false, poster: false, storyboard: false, captions: true, expiresAt: false, thumbnail: false,
};

const CAPTION_TRACK_KEYS: Requiredness<CaptionTrackType> = {
  id: true, lang: true, label: true, kind: true, default: true, closedCaptions: true, source: true, url: true,
};

test('the StatusDocument and CaptionTrack schemas have the protocol types\' keys, required exactly where the types require them', () => {
  for (const [schema, keys] of [[StatusDocument, STATUS_DOCUMENT_KEYS], [CaptionTrack, CAPTION_TRACK_KEYS]] as const) {
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(keys).sort());
    const required = Object.entries(keys).filter(([, r]) => r).map(([k]) => k);
    assert.deepEqual([...schema.required].sort(), required.sort());
  }
});

test('the response check turns a response that does not match its schema, or an undeclared status, into a loud 500', async () => {
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: join(t.config.dataDir, 'check') }));
  const app = await buildApp({ config, logger: false, processJobs: false, checkResponses: true });
  try {
    const schema = routeSchema({
      summary: 'probe', tags: ['meta'],
      response: { 200: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } }, additionalProperties: false } },
    });
    app.get('/probe/good', { schema }, async () => ({ n: 1 }));
    app.get('/probe/extra-key', { schema }, async () => ({ n: 1, secret: 'x' }));
    app.get('/probe/wrong-type', { schema }, async () => ({ n: '1' }));
    app.get('/probe/undeclared-status', { schema }, async (_req, reply) => reply.code(201).send({ n: 1 }));
    app.get('/probe/undeclared-error', { schema }, async () => { throw Object.assign(new Error('x'), { statusCode: 409 }); });
    app.get('/probe/raw', { schema }, (_req, reply) => { reply.hijack(); reply.raw.writeHead(200, { 'content-type': 'application/json' }).end('{"n":1}'); });
    app.get('/probe/raw-undeclared', { schema }, (_req, reply) => { reply.hijack(); reply.raw.writeHead(418).end(); });
    const good = await app.inject('/probe/good');
    assert.equal(good.statusCode, 200);
    assert.deepEqual(good.json(), { n: 1 });
    for (const [path, why] of [['/probe/extra-key', /does not match/], ['/probe/wrong-type', /does not match/], ['/probe/undeclared-status', /status 201 is not declared/]] as const) {
      const res = await app.inject(path);
      assert.equal(res.statusCode, 500, path);
      const body = res.json<{ error: { code: string; message: string } }>();
      assert.equal(body.error.code, 'SLUICE_ERR_TEST_RESPONSE_SCHEMA', path);
      assert.match(body.error.message, why, path);
    }
    // Raw (hijacked) answers: the status line is checked.
    assert.equal((await app.inject('/probe/raw')).statusCode, 200);
    const raw = await app.inject('/probe/raw-undeclared');
    assert.equal(raw.statusCode, 500);
    assert.equal(raw.headers['sluice-test-response-schema'], 'status 418 is not declared');
    // Fastify's 4xx errors become REQUEST_INVALID's 400, which every route declares (COMMON_ERRORS).
    const declared400 = await app.inject('/probe/undeclared-error');
    assert.equal(declared400.statusCode, 400);
    assert.equal(declared400.json<{ error: { code: string } }>().error.code, 'SLUICE_ERR_REQUEST_INVALID');
  } finally {
    await app.close();
  }
});

test('production builds serialise responses as the handler made them: no key dropped by a schema', async () => {
  const config = resolveSecret(loadConfig({ SLUICE_DATA_DIR: join(t.config.dataDir, 'plain') }));
  const app = await buildApp({ config, logger: false, processJobs: false });
  try {
    app.get('/probe/extra-key', { schema: routeSchema({ summary: 'probe', tags: ['meta'], response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } } }) }, async () => ({ n: 1, more: true }));
    const res = await app.inject('/probe/extra-key');
    assert.deepEqual(res.json(), { n: 1, more: true });
  } finally {
    await app.close();
  }
});
