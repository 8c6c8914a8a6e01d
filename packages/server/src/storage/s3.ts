/**
 * Amazon S3 and S3-compatible storage (@aws-sdk/client-s3, lib-storage and
 * s3-request-presigner: optional peers, imported only when SLUICE_STORAGE=s3).
 * Credentials come from the standard AWS chain unless given explicitly.
 * Every SDK failure becomes a SluiceError naming the bucket and operation.
 */
import { Readable } from 'node:stream';
import { SluiceError } from '../errors.js';
import { checkKey, type ByteRange, type ObjectInfo, type PresignOptions, type PutOptions, type Storage } from './storage.js';

type ClientSdk = typeof import('@aws-sdk/client-s3');
type S3Client = import('@aws-sdk/client-s3').S3Client;
type S3ClientConfig = import('@aws-sdk/client-s3').S3ClientConfig;

export interface S3StorageOptions {
  bucket: string;
  region?: string;
  /** S3-compatible endpoint (MinIO, R2, s3rver…); unset for Amazon S3. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Explicit keys; unset → the standard AWS chain (env, shared files, SSO, ECS/EC2 roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

interface Sdk {
  s3: ClientSdk;
  Upload: typeof import('@aws-sdk/lib-storage').Upload;
  getSignedUrl: typeof import('@aws-sdk/s3-request-presigner').getSignedUrl;
}

/** Buffers up to this size go up in one PutObject; streams and larger buffers as multipart. */
const SINGLE_PUT_MAX = 16 * 1024 * 1024;
/** lib-storage buffers queueSize × partSize bytes: 32 MiB per upload; 10,000 parts → 78 GiB objects. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** "The maximum expiration time for presigned URLs is one week" (SigV4, X-Amz-Expires ≤ 604800). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const DELETE_BATCH = 1000; // DeleteObjects takes at most 1,000 keys per request.

/** The client settings both the Storage and the tus store use, so they reach the same bucket the same way. */
export function s3ClientConfig(options: S3StorageOptions): S3ClientConfig {
  return {
    // An S3-compatible server rarely cares about the region, but SigV4 needs one.
    region: options.region ?? (options.endpoint ? 'us-east-1' : undefined),
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    // SDK ≥ 3.729 adds CRC checksums (aws-chunked bodies) that many S3-compatible
    // servers reject or store verbatim; Amazon S3 itself keeps the default.
    ...(options.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  };
}

/** Imports an optional peer, or says which package to install. */
export async function importPeer<T>(load: () => Promise<T>, packages: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `SLUICE_STORAGE=s3 needs ${packages}: run \`npm install ${packages}\` beside @sluice/server.`, { cause: err });
  }
}

export async function createS3Storage(options: S3StorageOptions): Promise<Storage> {
  const sdk = await importPeer(async () => {
    const [s3, { Upload }, { getSignedUrl }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage'), import('@aws-sdk/s3-request-presigner')]);
    return { s3, Upload, getSignedUrl };
  }, '@aws-sdk/client-s3 @aws-sdk/lib-storage @aws-sdk/s3-request-presigner');
  return new S3Storage(sdk, new sdk.s3.S3Client(s3ClientConfig(options)), options.bucket);
}

class S3Storage implements Storage {
  readonly kind = 's3' as const;
  readonly capabilities = { presignedRead: true };

  constructor(private readonly sdk: Sdk, private readonly client: S3Client, private readonly bucket: string) {}

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const params = { Bucket: this.bucket, Key: checkKey(key), ContentType: options.contentType, CacheControl: options.cacheControl };
    await this.call('put', key, async () => {
      if (Buffer.isBuffer(body) && body.length <= SINGLE_PUT_MAX) {
        await this.client.send(new this.sdk.s3.PutObjectCommand({ ...params, Body: body, ContentLength: body.length }));
      } else {
        // Multipart: S3 shows the object only once CompleteMultipartUpload succeeds; a failure aborts the parts.
        await new this.sdk.Upload({ client: this.client, params: { ...params, Body: body }, partSize: PART_SIZE, queueSize: QUEUE_SIZE, leavePartsOnError: false }).done();
      }
    });
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const out = await this.call('get', checkKey(key), () => this.client.send(new this.sdk.s3.GetObjectCommand({
      Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined,
    })));
    if (!(out.Body instanceof Readable)) throw new SluiceError('SLUICE_ERR_STORAGE_FAILED', `S3 get of ${key} in bucket ${this.bucket} returned no body stream.`);
    if (!range) return out.Body;
    const from = out.ContentRange ? Number(/^bytes (\d+)-/.exec(out.ContentRange)?.[1]) : 0;
    const want = range.end - range.start + 1;
    if (from === range.start && out.ContentLength === want) return out.Body;
    if (!(from <= range.start)) {
      out.Body.destroy();
      throw new SluiceError('SLUICE_ERR_STORAGE_FAILED', `S3 get of ${key} in bucket ${this.bucket} answered ${out.ContentRange} for bytes=${range.start}-${range.end}.`);
    }
    return Readable.from(exactly(out.Body, range.start - from, want));
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    checkKey(key);
    try {
      const out = await this.client.send(new this.sdk.s3.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, etag: unquote(out.ETag), lastModified: out.LastModified ?? new Date(0) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw this.failed('stat', key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.call('list', prefix, () => this.client.send(new this.sdk.s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })));
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag), lastModified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async deletePrefix(prefix: string): Promise<number> {
    if (!prefix) throw new Error('refusing to delete an empty prefix (the whole bucket)');
    // List everything first: deleting while paging would shift some servers' continuation tokens.
    const keys: string[] = [];
    for await (const o of this.list(prefix)) keys.push(o.key);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const out = await this.call('deletePrefix', prefix, () => this.client.send(new this.sdk.s3.DeleteObjectsCommand({
        Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      })));
      const first = out.Errors?.[0];
      if (first) throw new SluiceError('SLUICE_ERR_STORAGE_FAILED', `S3 deletePrefix of ${prefix} in bucket ${this.bucket} failed for ${out.Errors?.length} objects, e.g. ${first.Key}: ${first.Code} ${first.Message}.`);
    }
    return keys.length;
  }

  async presignRead(key: string, expiresAt: number, options: PresignOptions = {}): Promise<string> {
    checkKey(key);
    const expiresIn = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(expiresAt) - Math.floor(Date.now() / 1000)));
    const command = new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: options.contentType });
    try {
      return await this.sdk.getSignedUrl(this.client, command, { expiresIn });
    } catch (err) {
      throw new SluiceError('SLUICE_ERR_STORAGE_PRESIGN_FAILED', `Could not presign a read of ${key} in S3 bucket ${this.bucket} (are credentials configured?): ${message(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Runs one SDK call; a missing object → STORAGE_NOT_FOUND, anything else → STORAGE_FAILED. */
  private async call<T>(op: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof SluiceError) throw err;
      if (isMissing(err)) throw new SluiceError('SLUICE_ERR_STORAGE_NOT_FOUND', `No object ${key} in S3 bucket ${this.bucket}.`, { cause: err });
      throw this.failed(op, key, err);
    }
  }

  private failed(op: string, key: string, err: unknown): SluiceError {
    return new SluiceError('SLUICE_ERR_STORAGE_FAILED', `S3 ${op} of ${key} in bucket ${this.bucket} failed: ${message(err)}`, { cause: err });
  }
}

/**
 * Exactly `length` bytes after skipping `skip`. RFC 9110 lets a server ignore
 * Range (200, whole body), and some S3-compatible servers answer a wider range
 * than asked (s3rver 3.7 sends the whole object for bytes=0-0).
 */
async function* exactly(body: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let left = length;
  try {
    for await (const chunk of body) {
      let c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (skip > 0) { const n = Math.min(skip, c.length); c = c.subarray(n); skip -= n; }
      if (c.length > left) c = c.subarray(0, left);
      left -= c.length;
      if (c.length) yield c;
      if (left === 0) return;
    }
  } finally {
    body.destroy();
  }
}

/** NoSuchKey (GET) or a bodiless 404 (HEAD); a missing bucket is a configuration error, not a missing object. */
function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '');
const message = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
