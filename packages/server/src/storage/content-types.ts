/**
 * Content-Type by file extension for media files. One table, used by the
 * /media route, by uploads to a bucket (dir-mirror.ts) and rendered into the
 * nginx config, so every server answers alike. It lives in storage/ because
 * delivery/ depends on storage/, never the other way round.
 */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  m4a: 'audio/mp4',
  ts: 'video/mp2t',
  aac: 'audio/aac',
  vtt: 'text/vtt',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  json: 'application/json',
};

/** nginx's `default_type` for anything not in the table. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

export function contentTypeFor(path: string): string {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return DEFAULT_MEDIA_TYPE;
  // nginx lowercases the extension before looking it up.
  const ext = path.slice(dot + 1).toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, ext) ? MEDIA_TYPES[ext] : DEFAULT_MEDIA_TYPE;
}
