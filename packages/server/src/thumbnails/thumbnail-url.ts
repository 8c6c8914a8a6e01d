/**
 * Thumbnail URLs: the token URL the status document carries, and signed
 * URLs (`?time=&width=&exp=&sig=`, the /media signer) a site's backend can
 * hand out without a token. A signature covers the path AND the canonical
 * time and width, so it cannot be re-used for another picture.
 */
import type { UrlSigner } from '../signing/url-signer.js';
import { type ThumbnailFormat, type ThumbnailQuery, canonicalQuery } from './thumbnail-params.js';

/** URL path of a video's thumbnails in `format`. */
export function thumbnailPath(videoId: string, format: ThumbnailFormat): string {
  return `/api/videos/${videoId}/thumbnail.${format}`;
}

/** What the signer signs for this picture: path + canonical query. */
export function thumbnailSignedPath(videoId: string, format: ThumbnailFormat, q: ThumbnailQuery): string {
  return `${thumbnailPath(videoId, format)}?${canonicalQuery(q)}`;
}

/**
 * A signed thumbnail URL valid until `expiresAt` (unix seconds). `origin`
 * is prepended as is ('' for a relative URL).
 */
export function signedThumbnailUrl(signer: UrlSigner, origin: string, videoId: string, format: ThumbnailFormat, q: ThumbnailQuery, expiresAt: number): string {
  const params = [q.time === undefined ? '' : `time=${q.time}`, q.width === undefined ? '' : `width=${q.width}`].filter(Boolean);
  const signature = signer.sign(thumbnailSignedPath(videoId, format, q), expiresAt);
  return `${origin}${thumbnailPath(videoId, format)}?${[...params, signature].join('&')}`;
}
