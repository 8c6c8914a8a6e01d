/**
 * The in-memory bucket behind the fake GCS server (see gcs-fake-server.ts for
 * what the fake proves and what it does not): objects with generations, and
 * the JSON API object resource the SDK reads back, with the md5Hash and
 * crc32c it validates uploads and downloads against.
 */
import { createHash } from 'node:crypto';

export interface FakeObject {
  name: string;
  data: Buffer;
  contentType: string;
  cacheControl?: string;
  /** Custom metadata (`metadata` in the JSON API resource): tus keeps its state here. */
  metadata: Record<string, string>;
  generation: number;
  metageneration: number;
  created: Date;
  updated: Date;
}

let generations = Date.now() * 1000;

export function newObject(name: string, data: Buffer, resource: Record<string, unknown>, previous?: FakeObject): FakeObject {
  const now = new Date();
  return {
    name,
    data,
    contentType: typeof resource.contentType === 'string' ? resource.contentType : 'application/octet-stream',
    ...(typeof resource.cacheControl === 'string' ? { cacheControl: resource.cacheControl } : {}),
    metadata: customMetadata(resource.metadata, {}),
    generation: ++generations,
    metageneration: 1,
    created: previous?.created ?? now,
    updated: now,
  };
}

/** PATCH semantics: keys merge, a null value deletes the key. */
export function customMetadata(patch: unknown, base: Record<string, string>): Record<string, string> {
  const out = { ...base };
  if (patch && typeof patch === 'object') {
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = String(v);
    }
  }
  return out;
}

export function resourceOf(bucket: string, o: FakeObject): Record<string, unknown> {
  return {
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    name: o.name,
    bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType,
    ...(o.cacheControl ? { cacheControl: o.cacheControl } : {}),
    size: String(o.data.length),
    md5Hash: md5(o.data),
    crc32c: crc32c(o.data),
    // Like GCS: the etag is derived from generation + metageneration.
    etag: Buffer.from(`${o.generation}:${o.metageneration}`).toString('base64'),
    timeCreated: o.created.toISOString(),
    updated: o.updated.toISOString(),
    ...(Object.keys(o.metadata).length ? { metadata: o.metadata } : {}),
  };
}

export function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli), big-endian, base64: the form GCS reports in `crc32c` and `x-goog-hash`. */
export function crc32c(data: Buffer): string {
  let c = 0xffffffff;
  for (const byte of data) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
