/**
 * Checks a file against `accept` and `max-size` before any byte is sent, and
 * formats sizes and durations for people.
 */
import { clientError, type UploadErrorInfo } from './errors.js';

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/**
 * Parses a size written like the server's configuration (`512MB`, `20GB`,
 * `1.5 GB`, or plain bytes). Units are binary (1 KB = 1024 bytes), as in
 * SLUICE_MAX_UPLOAD. Returns null when the text is empty or not a size.
 */
export function parseSize(text: string | null | undefined): number | null {
  if (text == null) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|K|M|G|T|KIB|MIB|GIB|TIB)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? 'B').toUpperCase().replace('IB', 'B');
  const factor = UNITS[unit.length === 1 && unit !== 'B' ? `${unit}B` : unit];
  return factor === undefined ? null : Math.floor(Number(m[1]) * factor);
}

/** `1536` → `1.5 KB`: binary units, at most one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i += 1; }
  return `${i === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[i]}`;
}

/** Seconds → `1:05:03`, `4:09` or `12 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Whether `file` matches an `accept` list, with the rules of
 * `<input type=file accept>`: comma-separated `.ext`, `type/subtype` or
 * `type/*`, case-insensitive. An empty list accepts everything.
 */
export function matchesAccept(file: { name: string; type: string }, accept: string | null | undefined): boolean {
  const tokens = (accept ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (tokens.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return tokens.some((t) => {
    if (t.startsWith('.')) return name.endsWith(t);
    if (t.endsWith('/*')) return type.startsWith(t.slice(0, -1));
    return type === t;
  });
}

/**
 * Why `file` cannot be uploaded, in words a user understands, or null when
 * it can.
 */
export function checkFile(file: File, accept: string | null | undefined, maxSize: number | null): UploadErrorInfo | null {
  if (!matchesAccept(file, accept)) {
    return clientError('SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED', false,
      `“${file.name}” is not an accepted type of file (accepted: ${accept}).`);
  }
  if (maxSize !== null && file.size > maxSize) {
    return clientError('SLUICE_ERR_UPLOAD_TOO_LARGE', false,
      `“${file.name}” is ${formatBytes(file.size)}; the largest file allowed is ${formatBytes(maxSize)}.`);
  }
  return null;
}
