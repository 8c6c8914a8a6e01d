/**
 * What counts as "this machine only": 127.0.0.0/8, ::1 (also IPv4-mapped)
 * and the name `localhost`. Demo mode is confined to these (docs/security.md).
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IP address (v4, v6, or v4-mapped v6) in the loopback ranges. */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family === 4 ? LOOPBACK.check(address, 'ipv4') : family === 6 ? LOOPBACK.check(address, 'ipv6') : false;
}

/** A HOST listen value (name or address, no port) that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || isLoopbackAddress(h);
}

/** The host part of a Host header (`name:port`, `[v6]:port`, `name`), lower-cased; undefined when malformed. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::\d{1,5})?$/i.exec(header.trim());
  return m ? (m[1] ?? m[2])!.toLowerCase() : undefined;
}
