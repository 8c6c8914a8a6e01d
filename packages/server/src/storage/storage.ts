/**
 * The one Storage interface: where originals and derived media live. One
 * file per backend (local.ts, s3.ts, gcs.ts, azure.ts), all held to the same
 * contract suite (test/storage/contract.ts). Nothing outside storage/ knows
 * which backend holds the bytes.
 *
 * Keys are '/'-separated relative paths without '.'/'..' segments, e.g.
 * `media/<videoId>/hls/720p/seg_00001.m4s`.
 */
import type { Readable } from 'node:stream';

export type StorageKind = 'local' | 's3' | 'gcs' | 'azure';

export interface ObjectInfo {
  key: string;
  size: number;
  /** Changes whenever the content changes (quotes stripped). */
  etag: string;
  lastModified: Date;
}

/**
 * The one byte-range type of the server: both ends inclusive, as HTTP writes
 * them (`bytes=start-end`, `Content-Range: bytes start-end/size`), so storage
 * reads and /media answers pass it along without converting.
 */
export interface ByteRange { start: number; end: number }

export interface StorageCapabilities {
  /** presignRead() mints URLs a browser can GET (with Range) straight from the backend. */
  presignedRead: boolean;
}

export interface PutOptions {
  contentType?: string;
  cacheControl?: string;
}

export interface PresignOptions {
  /** Response Content-Type the backend should send, where it can override it. */
  contentType?: string;
}

export interface Storage {
  readonly kind: StorageKind;
  readonly capabilities: StorageCapabilities;
  /** Writes the whole object; readers never see a partial object under `key`. */
  put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<void>;
  /** The object's bytes (or one range of them). Missing → SluiceError SLUICE_ERR_STORAGE_NOT_FOUND. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size, etag and time of the object, or undefined when it does not exist. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix` (any depth), in no particular order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A URL that lets anyone GET `key` until `expiresAt` (unix seconds), then is
   * refused by the backend. Backends without presignedRead reject with
   * SLUICE_ERR_STORAGE_PRESIGN_UNSUPPORTED; a backend that cannot sign right
   * now (no key, no permission) rejects with SLUICE_ERR_STORAGE_PRESIGN_FAILED.
   */
  presignRead(key: string, expiresAt: number, options?: PresignOptions): Promise<string>;
  /** Releases clients and sockets. */
  close(): Promise<void>;
}

const KEY = /^(?!\/)(?:[^/\\\0]+\/)*[^/\\\0]+$/;

/** Throws unless `key` is a relative '/'-path without empty, '.' or '..' segments. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..')) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  return key;
}
