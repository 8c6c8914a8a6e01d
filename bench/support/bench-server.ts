/** Process facts for benches: peak/current RSS of a pid, from /proc. */
import { readFileSync } from 'node:fs';

/** { rss, peak } in bytes (VmRSS and VmHWM of /proc/<pid>/status). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
