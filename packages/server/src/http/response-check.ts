/**
 * Test builds only (buildApp({ checkResponses: true }), on in startTestApp):
 * every response Fastify sends is checked against the schema its route
 * declares for that status code — the same schema /api/openapi.json
 * publishes — with ajv (JSON Schema 2020-12). A mismatch, an undeclared status
 * or an undeclared content type becomes a loud 500
 * `SLUICE_ERR_TEST_RESPONSE_SCHEMA` carrying the ajv errors (and an error log
 * line), so the test that made the request fails. Hijacked responses (media
 * bytes, SSE, tus) are written raw: only their status is checked (an
 * undeclared one becomes a 500 with a `Sluice-Test-Response-Schema` header);
 * their errors before the hijack are checked in full. Hidden routes (demo
 * files, CORS preflight) are not checked. Off (the default), nothing here is
 * registered.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './schemas.js';

export const TEST_RESPONSE_SCHEMA_CODE = 'SLUICE_ERR_TEST_RESPONSE_SCHEMA';

/** What a route declares for one status: a JSON body schema, or bodies by content type. */
interface Declared { json?: ValidateFunction; types: string[]; empty: boolean }

export interface CheckedRoute { method: string; url: string; schema: JsonSchema | undefined }

const routesOf = new WeakMap<FastifyInstance, CheckedRoute[]>();

/** Every route registered while checking was on (for the completeness test). */
export function checkedRoutes(app: FastifyInstance): CheckedRoute[] {
  return routesOf.get(app) ?? [];
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

function contentTypesOf(entry: JsonSchema): string[] | undefined {
  const content = entry.content;
  return typeof content === 'object' && content !== null ? Object.keys(content) : undefined;
}

function compile(ajv: Ajv2020, entry: JsonSchema): Declared {
  const types = contentTypesOf(entry);
  if (types) return { types, empty: false };
  if (entry.type === 'null') return { types: [], empty: true };
  const { description: _d, headers: _h, ...schema } = entry;
  return { json: ajv.compile(schema), types: ['application/json'], empty: false };
}

function fail(req: FastifyRequest, reply: FastifyReply, payload: unknown, message: string, errors?: ErrorObject[] | null): string {
  req.log.error({ route: req.routeOptions.url, status: reply.statusCode, errors }, `response schema check failed: ${message}`);
  // Keep the file descriptor of an unsent media stream from leaking.
  if (typeof payload === 'object' && payload !== null && 'destroy' in payload && typeof payload.destroy === 'function') (payload.destroy as () => void).call(payload);
  // Stderr too: the test's own failure message then says why.
  process.stderr.write(`${TEST_RESPONSE_SCHEMA_CODE} ${req.method} ${req.url.split('?')[0]} → ${reply.statusCode}: ${message} ${JSON.stringify(errors ?? [])}\n`);
  reply.code(500).header('content-type', 'application/json; charset=utf-8').removeHeader('content-length');
  return JSON.stringify({ error: { code: TEST_RESPONSE_SCHEMA_CODE, message: `${req.method} ${req.routeOptions.url}: ${message}`, errors: errors ?? [] } });
}

export function registerResponseCheck(app: FastifyInstance): void {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  const routes: CheckedRoute[] = [];
  routesOf.set(app, routes);
  const declared = new Map<string, Map<string, Declared>>();
  const key = (method: string, url: string): string => `${method} ${url}`;

  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as JsonSchema | undefined;
    const byStatus = new Map<string, Declared>();
    const response = schema?.response;
    if (typeof response === 'object' && response !== null) {
      for (const [status, entry] of Object.entries(response as Record<string, JsonSchema>)) byStatus.set(status, compile(ajv, entry));
    }
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema });
      // Hidden routes (demo files, CORS preflight) are not API; a route without a schema is the completeness test's to catch.
      if (schema?.hide !== true && byStatus.size > 0) declared.set(key(method, route.url), byStatus);
    }
  });

  const declaredFor = (req: FastifyRequest): Map<string, Declared> | undefined => {
    const url = req.routeOptions.url;
    // No route matched (404 handler, errors before routing): nothing declared to check against.
    if (url === undefined) return undefined;
    return declared.get(key(req.method, url)) ?? (req.method === 'HEAD' ? declared.get(key('GET', url)) : undefined);
  };
  const lookup = (byStatus: Map<string, Declared>, status: string): Declared | undefined => byStatus.get(status) ?? byStatus.get(`${status[0]}xx`);

  // Raw answers (tus, media bytes, SSE) never reach onSend: their status line is checked as it is written.
  // The body is already on its way, so an undeclared status is turned into a 500 the test sees.
  app.addHook('onRequest', async (req, reply) => {
    const byStatus = declaredFor(req);
    if (!byStatus) return;
    const res = reply.raw;
    const writeHead = res.writeHead as (...args: unknown[]) => ServerResponse;
    (res as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = function (this: ServerResponse, status: unknown, ...rest: unknown[]): ServerResponse {
      if (typeof status === 'number' && !lookup(byStatus, String(status))) {
        req.log.error({ route: req.routeOptions.url, status }, 'response schema check failed: undeclared status on a raw response');
        process.stderr.write(`${TEST_RESPONSE_SCHEMA_CODE} ${req.method} ${req.url.split('?')[0]} → ${status}: status ${status} is not declared in the route's response schema (raw response)\n`);
        this.setHeader('sluice-test-response-schema', `status ${status} is not declared`);
        return writeHead.call(this, 500, ...rest);
      }
      return writeHead.call(this, status, ...rest);
    };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const byStatus = declaredFor(req);
    if (!byStatus) return payload;
    const status = String(reply.statusCode);
    const d = lookup(byStatus, status);
    if (!d) return fail(req, reply, payload, `status ${status} is not declared in the route's response schema`);
    if (d.empty || req.method === 'HEAD') return payload;
    const type = String(reply.getHeader('content-type') ?? '').split(';')[0]!.trim();
    if (!d.types.includes(type)) return fail(req, reply, payload, `content type "${type}" is not declared for status ${status} (declared: ${d.types.join(', ')})`);
    if (!d.json) return payload;
    let body: unknown;
    try {
      body = JSON.parse(typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '');
    } catch {
      return fail(req, reply, payload, 'the JSON response is not parseable (a stream or broken JSON)');
    }
    if (!d.json(body)) return fail(req, reply, payload, 'the body does not match the declared schema', d.json.errors);
    return payload;
  });
}
