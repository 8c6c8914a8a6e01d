/**
 * A Fastify app with only the media route, listening on 127.0.0.1:0.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerMediaRoute, type MediaRouteOptions } from '../../../src/delivery/media-route.js';

export async function startMediaApp(options: MediaRouteOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  registerMediaRoute(app, options);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}
