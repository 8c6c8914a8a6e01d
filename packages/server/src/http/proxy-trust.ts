/**
 * SLUICE_TRUST_PROXY: which peers may tell us the client's host and scheme
 * (X-Forwarded-Host / X-Forwarded-Proto). Anyone else's forwarded headers are
 * removed before any route sees them, so Fastify (req.host, req.protocol)
 * and tus (which reads the headers itself, without checking the peer) reach
 * the same answer.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** proxy-addr's names for address ranges (Fastify's own trustProxy accepts them too). */
const RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** One entry: an address, an address/prefix, or a range name; undefined when malformed. */
function expand(entry: string): string[] | undefined {
  const named = RANGES[entry.toLowerCase()];
  if (named) return named;
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
  const family = m ? isIP(m[1]!) : 0;
  if (!m || family === 0) return undefined;
  if (m[2] !== undefined && Number(m[2]) > (family === 4 ? 32 : 128)) return undefined;
  return [entry];
}

/**
 * Parses SLUICE_TRUST_PROXY: `off` (or empty) → [], else the comma-separated
 * entries. Returns an error sentence instead when an entry is malformed.
 */
export function parseTrustProxy(value: string): string[] | { error: string } {
  const v = value.trim();
  if (v === '' || /^(off|false|no|none)$/i.test(v)) return [];
  if (/^\d+$/.test(v)) {
    return { error: `a hop count cannot tell a proxy from a client that sends the headers itself (Fastify ignores X-Forwarded-Host/-Proto with a hop count); name the proxy's address instead, e.g. SLUICE_TRUST_PROXY=127.0.0.1` };
  }
  if (/^(on|true|yes|all|\*)$/i.test(v)) {
    return { error: `trusting every peer lets any client choose the host and scheme of the links it is given; name the proxy's address instead, e.g. SLUICE_TRUST_PROXY=127.0.0.1 or 10.0.0.0/8` };
  }
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of entries) {
    if (!expand(e)) return { error: `"${e}" is not an IP address, a CIDR like 10.0.0.0/8, or one of loopback, linklocal, uniquelocal` };
  }
  return entries;
}

/** `address` (the TCP peer) is one of the trusted proxies. */
export type ProxyTrust = (address: string | undefined) => boolean;

export function compileProxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => expand(e) ?? [])) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const family = address ? isIP(address) : 0;
    return family !== 0 && list.check(address!, family === 4 ? 'ipv4' : 'ipv6');
  };
}

const lastEntry = (value: string): string => value.slice(value.lastIndexOf(',') + 1).trim();

/**
 * Replaces (or removes, with undefined) a request header in both views Node
 * keeps: `headers` (Fastify) and `rawHeaders` (tus builds its Request from it).
 */
function setRequestHeader(req: IncomingMessage, name: string, value: string | undefined): void {
  const rawHeaders: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== name) rawHeaders.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  if (value === undefined) delete req.headers[name];
  else { req.headers[name] = value; rawHeaders.push(name, value); }
  req.rawHeaders = rawHeaders;
}

/**
 * Normalises forwarded headers at the edge, before routing. After it, the
 * X-Forwarded-Host / -Proto a route sees are either SLUICE_PUBLIC_URL's (which
 * always wins), a trusted proxy's (its last entry, as Fastify reads it), or
 * absent. `Forwarded` (RFC 7239) is always dropped: Fastify does not read it,
 * and tus would prefer it over the headers Fastify reads.
 */
export function registerForwardedHeaderGuard(app: FastifyInstance, trust: ProxyTrust, publicUrl: string | undefined): void {
  const pinned = publicUrl ? new URL(publicUrl) : undefined;
  app.addHook('onRequest', async (req) => {
    const { raw } = req;
    if (raw.headers.forwarded !== undefined) setRequestHeader(raw, 'forwarded', undefined);
    let host: string | undefined;
    let proto: string | undefined;
    if (pinned) {
      host = pinned.host;
      proto = pinned.protocol.slice(0, -1);
    } else if (trust(raw.socket.remoteAddress)) {
      const h = raw.headers['x-forwarded-host'];
      const p = raw.headers['x-forwarded-proto'];
      host = typeof h === 'string' && lastEntry(h) !== '' ? lastEntry(h) : undefined;
      proto = typeof p === 'string' && /^https?$/i.test(lastEntry(p)) ? lastEntry(p).toLowerCase() : undefined;
    }
    if (host !== raw.headers['x-forwarded-host']) setRequestHeader(raw, 'x-forwarded-host', host);
    if (proto !== raw.headers['x-forwarded-proto']) setRequestHeader(raw, 'x-forwarded-proto', proto);
  });
}
