/**
 * Server paths out of messages users see. ffmpeg quotes the files it
 * failed on, and Node's fs errors name both ends of a rename; a status
 * document or the admin API must not tell a client where the data dir is.
 */
import { basename } from 'node:path';

/**
 * Replaces every path under one of `roots` with its last component
 * (`/srv/data/media/<id>/.work/720p.m3u8` → `720p.m3u8`), `file:` URLs
 * included. A root alone becomes `<server path>`.
 */
export function redactPaths(text: string, roots: Iterable<string | undefined>): string {
  // Longest first, so a root inside another is not half-replaced.
  const sorted = [...new Set([...roots].filter((r): r is string => !!r && r.length > 1).map((r) => r.replace(/\/+$/, '')))]
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const root of sorted) {
    const re = new RegExp(`(?:file:)?${escape(root)}(?=$|[/\\s'"\`,;:)\\]])(/[^\\s'"\`,;)\\]]*)?`, 'g');
    out = out.replace(re, (_m, rest: string | undefined) => {
      const name = rest ? basename(rest) : '';
      return name || '<server path>';
    });
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
