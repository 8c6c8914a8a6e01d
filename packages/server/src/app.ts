/**
 * buildApp(options): the only place that wires the parts together.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type SluiceConfig } from './config.js';
import { SluiceError, errorBody, isSluiceError } from './errors.js';

export interface BuildAppOptions {
  config: SluiceConfig;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp({ config, logger }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      // Tokens travel in ?token= and Authorization: never log them.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (req) => ({ method: req.method, url: String(req.url).replace(/([?&](?:token|sig|md5)=)[^&]*/g, '$1[redacted]') }),
      },
    },
    trustProxy: true,
  });

  app.setErrorHandler((err, req, reply) => {
    const e = isSluiceError(err)
      ? err
      : err instanceof Error && 'validation' in err
        ? new SluiceError('SLUICE_ERR_REQUEST_INVALID', err.message)
        : new SluiceError('SLUICE_ERR_SERVER_INTERNAL', undefined, { cause: err });
    if (e.statusCode >= 500) req.log.error({ err, code: e.code }, e.message);
    reply.code(e.statusCode).header('cache-control', 'no-store').send(errorBody(e));
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(new SluiceError('SLUICE_ERR_REQUEST_NOT_FOUND')));
  });

  app.get('/healthz', async () => ({ ok: true }));

  return app;
}
