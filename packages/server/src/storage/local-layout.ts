/**
 * Where the embedded default keeps bytes under SLUICE_DATA_DIR: the key
 * layout of media-keys.ts as folders (uploads/, media/<videoId>/; tus's
 * info is <videoId>.json beside the original), plus sluice.db (SQLite).
 */
import { join } from 'node:path';
import { MEDIA_DIR, UPLOADS_DIR, isVideoId, mediaUrlPath } from './media-keys.js';

// Kept importable from here for callers written before media-keys.ts.
export { VIDEO_ID } from './media-keys.js';

export class LocalLayout {
  readonly uploadsDir: string;
  readonly mediaRoot: string;
  readonly dbFile: string;

  constructor(readonly dataDir: string) {
    this.uploadsDir = join(dataDir, UPLOADS_DIR);
    this.mediaRoot = join(dataDir, MEDIA_DIR);
    this.dbFile = join(dataDir, 'sluice.db');
  }

  original(id: string): string {
    return join(this.uploadsDir, checkId(id));
  }

  mediaDir(id: string): string {
    return join(this.mediaRoot, checkId(id));
  }

  /** URL path of a derived file, as signed and served under /media/. */
  mediaUrlPath(id: string, relative: string): string {
    return mediaUrlPath(checkId(id), relative);
  }
}

function checkId(id: string): string {
  if (!isVideoId(id)) throw new Error(`not a video id: ${JSON.stringify(id)}`);
  return id;
}
