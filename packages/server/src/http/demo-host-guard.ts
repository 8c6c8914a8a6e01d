/**
 * Demo mode answers only requests addressed to this machine by a loopback
 * name. A web page cannot make a browser send `Host: 127.0.0.1` to a server it
 * reached through DNS: after a DNS-rebinding attack the browser still sends
 * the attacker's name, which is refused here — on every route, /media, SSE,
 * tus and the demo files alike, before routing.
 *
 * With SLUICE_DEMO=force the server also answers IP literals (a page can only
 * carry an IP literal Host if it was itself loaded from that address) and the
 * host of SLUICE_PUBLIC_URL; other names are still refused.
 */
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { SluiceConfig } from '../config.js';
import { SluiceError } from '../errors.js';
import { hostOfHeader, isLoopbackHost } from './loopback.js';

export function registerDemoHostGuard(app: FastifyInstance, config: Pick<SluiceConfig, 'demo' | 'demoForced' | 'publicUrl'>): void {
  if (!config.demo) return;
  const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase() : undefined;
  const allowed = (host: string): boolean =>
    isLoopbackHost(host) || (config.demoForced && (isIP(host) !== 0 || host === publicHost));
  app.addHook('onRequest', async (req) => {
    const host = hostOfHeader(req.headers.host);
    if (host !== undefined && allowed(host)) return;
    throw new SluiceError('SLUICE_ERR_DEMO_HOST_REFUSED', config.demoForced
      ? 'This demo server (SLUICE_DEMO=force) only answers requests addressed to an IP address, localhost or the SLUICE_PUBLIC_URL host.'
      : 'This demo server only answers requests addressed to 127.0.0.1, [::1] or localhost. Demo mode hands out admin tokens to anyone, so it refuses other host names (which is how DNS-rebinding pages reach local servers).');
  });
}
