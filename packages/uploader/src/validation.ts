/**
 * Checks a file against `accept` and `max-size` before any byte is sent, and
 * formats sizes and durations for people.
 */
// A subpath, not the index: the index, reached from the initial and the lazy
// chunk, would pull every protocol module into their shared (initial) chunk.
import { formatSize, parseSize as protocolParseSize } from '@sluice/protocol/units';
import type { UploadErrorInfo } from './errors.js';

/**
 * Reads `max-size` and `chunk-size` with @sluice/protocol's `parseSize`, the
 * server's own reading of SLUICE_MAX_UPLOAD: `20GB` is 20·10⁹ bytes, `20GiB`
 * 20·2³⁰. Returns null when the text is empty or not a size.
 */
export function parseSize(text: string | null | undefined): number | null {
  return text ? protocolParseSize(text) ?? null : null;
}

/** `1500` → `1.5 KB`: decimal units, as sizes are written for the server. */
export const formatBytes = formatSize;

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
    return { code: 'SLUICE_ERR_UPLOAD_TYPE_NOT_ACCEPTED', retriable: false,
      message: `“${file.name}” is not an accepted type of file (accepted: ${accept}).` };
  }
  if (maxSize !== null && file.size > maxSize) {
    return { code: 'SLUICE_ERR_UPLOAD_TOO_LARGE', retriable: false,
      message: `“${file.name}” is ${formatSize(file.size)}; the largest file allowed is ${formatSize(maxSize)}.` };
  }
  return null;
}
