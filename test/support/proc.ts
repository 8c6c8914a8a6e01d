/**
 * What the kernel says about the cluster's processes and sockets (Linux
 * /proc), so the journey can find which node carries a request or runs a
 * transcode without asking the node itself.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcInfo { pid: number; pgid: number; cmdline: string }

/** Every process we may read, with its process group and command line. */
export function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the pgrp; the comm in field 2 may hold spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      out.push({ pid: Number(d), pgid, cmdline: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Processes of the group led by `pgid` (a node spawned detached leads its own). */
export function groupMembers(pgid: number): ProcInfo[] {
  return processes().filter((p) => p.pgid === pgid);
}

/** True while /proc still lists `pid` as something other than a zombie. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch { return false; }
}

/**
 * Established TCP connections (IPv4 loopback) whose remote end is
 * 127.0.0.1:`port` — from nginx's side, one per request in flight to that
 * upstream (nginx opens a connection per proxied request: no upstream keepalive).
 */
export function connectionsTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[2] = remote "0100007F:PPPP", f[3] = state ("01" = ESTABLISHED)
    if (f[2] === `0100007F:${hex}` && f[3] === '01') n++;
  }
  return n;
}
