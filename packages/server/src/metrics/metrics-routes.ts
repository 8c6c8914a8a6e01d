/**
 * Where Prometheus scrapes: `GET /metrics` on the app's own port with an
 * admin token (401 without, 403 with another audience), and, when
 * SLUICE_METRICS_PORT is set, a second listener of its own (default on
 * 127.0.0.1) that answers `GET /metrics` without a token — the API-port
 * route stays, still admin-only (docs/metrics.md, "Scraping").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import type { SluiceConfig } from '../config.js';
import { SluiceError, errorBody, type ErrorCode } from '../errors.js';
import type { Metrics } from './metrics.js';
import { metricsSchema } from './metrics-schemas.js';

export const METRICS_PATH = '/metrics';

/** The separate listener's address once the app is ready (SLUICE_METRICS_PORT), e.g. `http://127.0.0.1:9464`. */
const listenerUrls = new WeakMap<FastifyInstance, string>();
export const metricsListenerUrl = (app: FastifyInstance): string | undefined => listenerUrls.get(app);

export function registerMetricsRoutes(app: FastifyInstance, config: SluiceConfig, metrics: Metrics): void {
  app.get(METRICS_PATH, { logLevel: 'warn', schema: metricsSchema }, async (req, reply) => {
    authenticate(app, req, { aud: [] });
    const text = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
  if (config.metricsPort === undefined) return;

  const server = createServer((req, res) => { void answer(metrics, req, res, app); });
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.metricsPort, config.metricsHost, () => { server.off('error', reject); resolve(); });
    }).catch((err: unknown) => {
      throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `SLUICE_METRICS_PORT=${config.metricsPort} on SLUICE_METRICS_HOST=${config.metricsHost} cannot be listened on: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
    });
    const { address, port } = server.address() as AddressInfo;
    listenerUrls.set(app, `http://${address.includes(':') ? `[${address}]` : address}:${port}`);
  });
  app.addHook('onClose', async () => close(server));
}

async function answer(metrics: Metrics, req: IncomingMessage, res: ServerResponse, app: FastifyInstance): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) return fail(res, 'SLUICE_ERR_REQUEST_NOT_FOUND');
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 'SLUICE_ERR_REQUEST_INVALID', 'Only GET /metrics is served here.');
  try {
    const text = await metrics.render();
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  } catch (err) {
    app.log.error({ err }, 'rendering metrics failed');
    fail(res, 'SLUICE_ERR_SERVER_INTERNAL');
  }
}

function fail(res: ServerResponse, code: ErrorCode, message?: string): void {
  const e = new SluiceError(code, message);
  const body = JSON.stringify(errorBody(e));
  res.writeHead(e.statusCode, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
