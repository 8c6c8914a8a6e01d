/**
 * tus uploads straight into the S3 bucket (@tus/s3-store, an optional peer
 * imported only when SLUICE_STORAGE=s3). The tus id stays the bare video id
 * (URLs, hooks, Upload.id); in the bucket the original lands at
 * `uploads/<id>`, with tus's `uploads/<id>.info` (and, between PATCHes, an
 * `uploads/<id>.part` holding bytes short of a part) beside it.
 */
import type { DataStore, Upload } from '@tus/server';
import type { Readable } from 'node:stream';
import { SluiceError } from '../errors.js';
import { importPeer, s3ClientConfig, type S3StorageOptions } from './s3.js';
import { UPLOADS_PREFIX } from './media-keys.js';

export interface S3TusStoreOptions extends S3StorageOptions {
  /** SLUICE_MAX_UPLOAD: the part size is chosen so this fits in S3's 10,000 parts. Default 20 GB. */
  maxUploadBytes?: number;
  /** Unfinished uploads older than this are aborted by the tus server's cleanup; 0 = never. */
  expirationPeriodInMilliseconds?: number;
}

const MiB = 1024 * 1024;
/** S3 multipart rules: every part but the last ≥ 5 MiB, ≤ 5 GiB; at most 10,000 parts. */
const S3_MIN_PART = 5 * MiB;
const S3_MAX_PART = 5 * 1024 * MiB;
const S3_MAX_PARTS = 10_000;
/** 8 MiB parts carry 78 GiB (83.9 GB) in 10,000 parts: 20 GB needs only 2,385 of them. */
const PREFERRED_PART = 8 * MiB;

/** The part size for uploads up to `maxUploadBytes`: 8 MiB, or more (whole MiB) when 10,000 × 8 MiB is not enough. */
export function tusPartSize(maxUploadBytes: number): number {
  const size = Math.max(PREFERRED_PART, S3_MIN_PART, Math.ceil(maxUploadBytes / S3_MAX_PARTS / MiB) * MiB);
  if (size > S3_MAX_PART) throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `SLUICE_MAX_UPLOAD=${maxUploadBytes} does not fit in S3's 10,000 parts of at most 5 GiB.`);
  return size;
}

/** A @tus/s3-store S3Store whose objects live under `uploads/` in the bucket. */
export async function createS3TusStore(options: S3TusStoreOptions): Promise<DataStore> {
  const { S3Store } = await importPeer(() => import('@tus/s3-store'), '@tus/s3-store @aws-sdk/client-s3');
  const key = (id: string): string => UPLOADS_PREFIX + id;

  class UploadsS3Store extends S3Store {
    override async create(upload: Upload): Promise<Upload> {
      // The tus server keeps using the Upload it passed in (its id builds the Location URL).
      const inner: Upload = Object.assign(Object.create(Object.getPrototypeOf(upload) as object) as Upload, upload, { id: key(upload.id) });
      await super.create(inner);
      upload.creation_date = inner.creation_date;
      upload.storage = inner.storage;
      return upload;
    }

    override async getUpload(id: string): Promise<Upload> {
      const upload = await super.getUpload(key(id));
      upload.id = id;
      return upload;
    }

    override write(src: Readable, id: string, offset: number): Promise<number> {
      return super.write(src, key(id), offset);
    }

    override declareUploadLength(id: string, length: number): Promise<void> {
      return super.declareUploadLength(key(id), length);
    }

    override remove(id: string): Promise<void> {
      return super.remove(key(id));
    }

    override read(id: string): Promise<Readable> {
      return super.read(key(id));
    }
  }

  return new UploadsS3Store({
    partSize: tusPartSize(options.maxUploadBytes ?? 20e9),
    expirationPeriodInMilliseconds: options.expirationPeriodInMilliseconds ?? 0,
    // Object tags only feed bucket lifecycle rules, need s3:PutObjectTagging and are missing on some S3-compatible servers.
    useTags: false,
    s3ClientConfig: { ...s3ClientConfig(options), bucket: options.bucket },
  });
}
