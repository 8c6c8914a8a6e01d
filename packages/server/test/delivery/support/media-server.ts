/**
 * A stand-alone media server for benches: Fastify (logger on, like the real
 * app) with only registerMediaRoute. Prints `{"port":…}` once listening.
 * Usage: node --import tsx media-server.ts <mediaRoot> <secret> [hmac|nginx]
 */
import Fastify from 'fastify';
import { registerMediaRoute } from '../../../src/delivery/media-route.js';
import { createUrlSigner } from '../../../src/signing/url-signer.js';

const [mediaRoot, secret, mode = 'hmac'] = process.argv.slice(2);
if (!mediaRoot || !secret || (mode !== 'hmac' && mode !== 'nginx')) {
  process.stderr.write('usage: media-server.ts <mediaRoot> <secret> [hmac|nginx]\n');
  process.exit(2);
}
const app = Fastify({ logger: { level: 'info' } });
registerMediaRoute(app, { signer: createUrlSigner({ mode, secret }), mediaRoot });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
