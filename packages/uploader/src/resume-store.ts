/**
 * Where unfinished uploads are remembered so that picking the same file again
 * (after a reload, a crash, another tab) continues from the server's offset.
 * Implements tus-js-client's UrlStorage on localStorage, with two additions:
 * every entry expires (the server forgets unfinished uploads too, tus
 * `Upload-Expires`), and it carries the Sluice video id and playback token
 * from the creation response, which a resumed upload never sees again.
 * Expired entries are swept on every lookup so storage does not fill up;
 * tus removes an entry itself on success (`removeFingerprintOnSuccess`).
 */

import type { PreviousUpload } from 'tus-js-client';

const PREFIX = 'sluice-upload::';

/** What is stored per unfinished upload (tus's PreviousUpload plus ours). */
export interface StoredUpload extends PreviousUpload {
  /** ms since epoch after which the entry is ignored and removed. */
  expiresAt: number;
  videoId?: string;
  videoToken?: string;
}

/** Extra fields the store adds to an entry when tus saves it. */
export interface ResumeExtras {
  videoId?: string;
  videoToken?: string;
  /** Server's `Upload-Expires`, ms since epoch. */
  serverExpiresAt?: number;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // sandboxed iframes throw SecurityError on access
  }
}

/**
 * The fingerprint of a file: same name, type, size, modification time and
 * endpoint → the same upload. Contents are not hashed (that would read the
 * whole file before the first byte is sent).
 */
export function fingerprint(file: File, endpoint: string): string {
  return [file.name, file.type, file.size, file.lastModified, endpoint].join('/');
}

/** Removes every expired or unreadable entry; returns how many are left. */
export function sweepExpired(now = Date.now()): number {
  const s = storage();
  if (!s) return 0;
  let left = 0;
  for (const key of Object.keys(s)) {
    if (!key.startsWith(PREFIX)) continue;
    if (readEntry(s, key, now)) left += 1;
    else s.removeItem(key);
  }
  return left;
}

function readEntry(s: Storage, key: string, now: number): StoredUpload | null {
  try {
    const value: unknown = JSON.parse(s.getItem(key) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const entry = value as StoredUpload;
    if (typeof entry.expiresAt !== 'number' || entry.expiresAt <= now) return null;
    return { ...entry, urlStorageKey: key };
  } catch {
    return null;
  }
}

/** tus UrlStorage for one upload task; `extras()` is read when tus saves. */
export class ResumeStore {
  readonly #ttlMs: number;
  readonly #extras: () => ResumeExtras;

  constructor(ttlSeconds: number, extras: () => ResumeExtras) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#extras = extras;
  }

  async findAllUploads(): Promise<StoredUpload[]> {
    return this.#find(PREFIX);
  }

  /** Newest first, so the most recent attempt at a file is resumed. */
  async findUploadsByFingerprint(fp: string): Promise<StoredUpload[]> {
    return this.#find(`${PREFIX}${fp}::`);
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    storage()?.removeItem(urlStorageKey);
  }

  async addUpload(fp: string, upload: PreviousUpload): Promise<string> {
    const s = storage();
    const key = `${PREFIX}${fp}::${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    if (!s) return key;
    const { videoId, videoToken, serverExpiresAt } = this.#extras();
    const expiresAt = Math.min(Date.now() + this.#ttlMs, serverExpiresAt ?? Number.POSITIVE_INFINITY);
    try {
      s.setItem(key, JSON.stringify({ ...upload, videoId, videoToken, expiresAt }));
    } catch {
      // Quota exceeded: the upload still works, it just cannot resume after a reload.
    }
    return key;
  }

  #find(prefix: string): StoredUpload[] {
    const s = storage();
    if (!s) return [];
    sweepExpired();
    const found: StoredUpload[] = [];
    for (const key of Object.keys(s)) {
      if (!key.startsWith(prefix)) continue;
      const entry = readEntry(s, key, Date.now());
      if (entry) found.push(entry);
    }
    return found.sort((a, b) => b.expiresAt - a.expiresAt);
  }
}
