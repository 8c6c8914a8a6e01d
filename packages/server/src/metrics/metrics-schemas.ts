/**
 * What /api/openapi.json says about GET /metrics on the API port
 * (metrics-routes.ts). The separate SLUICE_METRICS_PORT listener is a plain
 * node:http server, not this API: it is not in the document.
 */
import { AUTH_ERRORS, jwt, routeSchema, textBody } from '../http/schemas.js';

export const metricsSchema = routeSchema({
  summary: 'Prometheus metrics',
  description: 'The Prometheus text exposition format, version 0.0.4 (`text/plain; version=0.0.4; charset=utf-8`), never cached. '
    + 'Admin only on this port; with SLUICE_METRICS_PORT the same text is also served without a token on that separate listener '
    + '(default 127.0.0.1), which is not part of this API (docs/metrics.md).',
  tags: ['admin'],
  security: jwt(),
  errors: AUTH_ERRORS,
  response: { 200: textBody('Every metric of this process; the queue gauges count the jobs of every node sharing the queue.', ['text/plain'], { 'Cache-Control': { type: 'string', description: '`no-store`.' } }) },
});
