/**
 * A stand-alone media server for benches: Fastify (logger on, like the real
 * app) with only registerMediaRoute, counted by Metrics like the real app
 * unless `plain`. Prints `{"port":…}` once listening.
 * Usage: node --import tsx media-server.ts <mediaRoot> <secret> [hmac|nginx] [metrics|plain]
 */
import Fastify from 'fastify';
import { createDiskSource } from '../../../src/delivery/disk-source.js';
import { registerMediaRoute } from '../../../src/delivery/media-route.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { createUrlSigner } from '../../../src/signing/url-signer.js';

const [mediaRoot, secret, mode = 'hmac', counted = 'metrics'] = process.argv.slice(2);
if (!mediaRoot || !secret || (mode !== 'hmac' && mode !== 'nginx') || (counted !== 'metrics' && counted !== 'plain')) {
  process.stderr.write('usage: media-server.ts <mediaRoot> <secret> [hmac|nginx] [metrics|plain]\n');
  process.exit(2);
}
const app = Fastify({ logger: { level: 'info' } });
const metrics = counted === 'metrics' ? new Metrics() : undefined;
registerMediaRoute(app, { signer: createUrlSigner({ mode, secret }), source: createDiskSource({ mediaRoot, metrics }), metrics });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
