/**
 * Sizes and durations as Sluice writes them everywhere: `SLUICE_MAX_UPLOAD`,
 * `SLUICE_MEDIA_TTL`, `<chunked-uploader max-size chunk-size>`. One meaning
 * for every package, so a client never accepts a file the server refuses:
 * decimal units are powers of ten (`20GB` = 20·10⁹ bytes, as disks and the
 * IEC say), binary units say so (`20GiB` = 20·2³⁰ bytes).
 */

const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const POWER: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4 };

/**
 * `90s`, `15m`, `6h`, `2d`, `250ms`, or a bare number of seconds → seconds.
 * Case-insensitive, spaces allowed around the number and unit. Undefined
 * when `text` is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * SECONDS[(m[2] ?? 's').toLowerCase()]!;
}

/**
 * `512MB`, `20GB`, `1.5 GB` (decimal), `8MiB`, `20GiB` (binary), or a bare
 * number of bytes → whole bytes. Case-insensitive; the `B` may be left out
 * (`20G`, `8Mi`, as Kubernetes writes them). Undefined when `text` is not a
 * size.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt]?)(i?)b?)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = POWER[(m[2] ?? '').toLowerCase()]!;
  if (m[3] && power === 0) return undefined; // `ib` alone
  return Math.floor(Number(m[1]) * (m[3] ? 1024 : 1000) ** power);
}

/**
 * Bytes → `1.5 GB`, `820 MB`, `12 B`: decimal units like {@link parseSize}
 * reads them (so `formatSize(parseSize('20GB'))` is `20 GB`), one decimal
 * below 10.
 */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) { value /= 1000; i += 1; }
  return `${i === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[i]}`;
}
