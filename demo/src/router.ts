/**
 * Hash routes (#/upload, #/library, #/watch/<id>): the server serves static
 * files only, so every page lives at / and needs no SPA fallback.
 */

export type Route =
  | { page: 'upload' }
  | { page: 'library' }
  | { page: 'watch'; id: string }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/upload';
  if (path === '/' || path === '/upload') return { page: 'upload' };
  if (path === '/library') return { page: 'library' };
  const watch = /^\/watch\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (watch?.[1]) return { page: 'watch', id: watch[1] };
  return { page: 'not-found', path };
}

export const href = {
  upload: '#/upload',
  library: '#/library',
  watch: (id: string): string => `#/watch/${encodeURIComponent(id)}`,
};

/** A mounted page; `unmount` stops its timers, streams and players. */
export interface Page { unmount(): void }
