/**
 * Google Cloud Storage backend (@google-cloud/storage 7.x, an optional peer
 * dependency loaded only when SLUICE_STORAGE=gcs). Presigned reads are V4
 * signed URLs: signed locally with the service-account key when one is
 * configured, else by IAM `signBlob` (workload identity, metadata server),
 * which google-auth-library picks by itself.
 */
import { Readable } from 'node:stream';
import { SluiceError } from '../errors.js';
import { checkKey, type ByteRange, type ObjectInfo, type PresignOptions, type PutOptions, type Storage } from './storage.js';

type Gcs = typeof import('@google-cloud/storage');
type GcsClient = InstanceType<Gcs['Storage']>;
export type GcsBucket = ReturnType<GcsClient['bucket']>;
export type GcsFile = ReturnType<GcsBucket['file']>;
type FileSignConfig = import('@google-cloud/storage').GetSignedUrlConfig;
type ObjectMetadata = GcsFile['metadata'];

export interface GcsStorageOptions {
  bucket: string;
  /** Service-account key file (GOOGLE_APPLICATION_CREDENTIALS); without key nor credentials, Application Default Credentials. */
  keyFilename?: string;
  credentials?: { client_email: string; private_key: string };
  /** Another endpoint speaking the GCS JSON API (tests, private service connect). */
  apiEndpoint?: string;
  projectId?: string;
  /** An auth client to use instead of one built from the options (e.g. an impersonated or downscoped client). */
  authClient?: import('@google-cloud/storage').StorageOptions['authClient'];
  /** Where IAM signBlob is called when there is no key (default https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/). */
  signingEndpoint?: string;
  /** Streams longer than this go up as a resumable upload; shorter ones in one request. */
  resumableThreshold?: number;
}

/** One V4 signing request: what the conformance vectors and presignRead both go through ('list' signs a bucket). */
export type GcsSignRequest = Omit<FileSignConfig, 'version' | 'expires' | 'action'> & { action: FileSignConfig['action'] | 'list'; expires: number };

const DEFAULT_RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
const DELETE_CONCURRENCY = 16;

/** Loads the SDK on first use, so local-disk users need not install it. */
export async function loadGcs(): Promise<Gcs> {
  try {
    return await import('@google-cloud/storage');
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_STORAGE=gcs needs the package @google-cloud/storage (version 7): npm install @google-cloud/storage@^7', { cause: err });
  }
}

/** The SDK client for these options (shared with the tus store, so both see the same bucket the same way). */
export function createGcsClient(gcs: Gcs, options: GcsStorageOptions): GcsClient {
  return new gcs.Storage({
    ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    ...(options.authClient ? { authClient: options.authClient } : {}),
  });
}

/**
 * Signs a V4 URL for an object (or, with action 'list', a bucket). Failures
 * become SLUICE_ERR_STORAGE_PRESIGN_FAILED naming what is missing (a key, or
 * the signBlob permission).
 */
export async function signGcsUrl(target: GcsFile | GcsBucket, request: GcsSignRequest): Promise<string> {
  const where = 'bucket' in target ? `${target.name} in bucket ${target.bucket.name}` : `bucket ${target.name}`;
  try {
    const { action, ...rest } = request;
    if ('bucket' in target) {
      if (action === 'list') throw new Error('an object cannot be signed for list');
      return (await target.getSignedUrl({ ...rest, action, version: 'v4' }))[0];
    }
    if (action !== 'list') throw new Error(`a bucket can only be signed for list, not ${action}`);
    return (await target.getSignedUrl({ ...rest, action, version: 'v4' }))[0];
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_STORAGE_PRESIGN_FAILED', `GCS could not sign a ${request.action} URL for ${where}: ${signingHint(err)}`, { cause: err });
  }
}

function signingHint(err: unknown): string {
  const msg = messageOf(err);
  // IAM answers e.g. "Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist)."
  const denied = /Permission '([\w.]+)' denied/i.exec(msg)?.[1];
  if (denied) return `the service account lacks the permission ${denied} (grant roles/iam.serviceAccountTokenCreator on itself). ${msg}`;
  if (/signBlob|PERMISSION_DENIED|403/i.test(msg)) return `IAM signBlob was refused: the service account needs iam.serviceAccounts.signBlob on itself (roles/iam.serviceAccountTokenCreator). ${msg}`;
  if (/client_email/i.test(msg)) return `no service-account identity: set GOOGLE_APPLICATION_CREDENTIALS to a key file, or run as a service account (workload identity). ${msg}`;
  return msg;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function statusOf(err: unknown): number | undefined {
  const c = (err as { code?: unknown }).code;
  return typeof c === 'number' ? c : undefined;
}

export async function createGcsStorage(options: GcsStorageOptions): Promise<Storage> {
  const gcs = await loadGcs();
  return new GcsStorage(createGcsClient(gcs, options), options);
}

class GcsStorage implements Storage {
  readonly kind = 'gcs' as const;
  readonly capabilities = { presignedRead: true };
  readonly #bucket: GcsBucket;
  readonly #threshold: number;
  readonly #signingEndpoint: string | undefined;

  constructor(client: GcsClient, options: GcsStorageOptions) {
    this.#bucket = client.bucket(options.bucket);
    this.#threshold = options.resumableThreshold ?? DEFAULT_RESUMABLE_THRESHOLD;
    this.#signingEndpoint = options.signingEndpoint;
  }

  #fail(operation: string, key: string, err: unknown): SluiceError {
    // A 404 on a read is the object; on a write or a list it is the bucket itself.
    if (statusOf(err) === 404 && operation === 'get') return new SluiceError('SLUICE_ERR_STORAGE_NOT_FOUND', `No object ${key} in GCS bucket ${this.#bucket.name}.`, { cause: err });
    return new SluiceError('SLUICE_ERR_STORAGE_FAILED', `GCS ${operation} of ${key} in bucket ${this.#bucket.name} failed: ${messageOf(err)}`, { cause: err });
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const file = this.#bucket.file(checkKey(key));
    const metadata = options.cacheControl ? { cacheControl: options.cacheControl } : {};
    const contentType = options.contentType;
    try {
      if (Buffer.isBuffer(body)) {
        await file.save(body, { resumable: body.length > this.#threshold, contentType, metadata });
        return;
      }
      // Read up to the threshold: a short stream goes up in one request, a
      // long one as a resumable upload (GCS finalizes it atomically either way).
      const it = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      const head: Buffer[] = [];
      let size = 0;
      let done = false;
      while (size <= this.#threshold) {
        const next = await it.next();
        if (next.done) { done = true; break; }
        head.push(Buffer.from(next.value));
        size += next.value.byteLength;
      }
      if (done) {
        await file.save(Buffer.concat(head), { resumable: false, contentType, metadata });
        return;
      }
      async function* rest(): AsyncGenerator<Buffer> {
        yield* head;
        for (let next = await it.next(); !next.done; next = await it.next()) yield Buffer.from(next.value);
      }
      await new Promise<void>((resolve, reject) => {
        Readable.from(rest()).on('error', reject)
          .pipe(file.createWriteStream({ resumable: true, contentType, metadata }))
          .on('error', reject)
          .on('finish', resolve);
      });
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw this.#fail('put', key, err);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.#bucket.file(checkKey(key));
    const stream = file.createReadStream(range ? { start: range.start, end: range.end } : {});
    // The SDK requests on first read and reports a 404 as a stream error:
    // wait for the response so a missing object rejects here, not mid-pipe.
    await new Promise<void>((resolve, reject) => {
      const onError = (err: unknown): void => { stream.off('response', onResponse); reject(this.#fail('get', key, err)); };
      const onResponse = (res: { statusCode?: number }): void => {
        if ((res.statusCode ?? 200) >= 300) return; // the SDK follows with an 'error'
        stream.off('error', onError);
        resolve();
      };
      stream.once('error', onError);
      stream.on('response', onResponse);
      stream.read(0);
    });
    return stream;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const [metadata] = await this.#bucket.file(checkKey(key)).getMetadata();
      return toInfo(key, metadata);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.#fail('stat', key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let pageToken: string | undefined;
    do {
      let page;
      try {
        page = await this.#bucket.getFiles({ prefix, autoPaginate: false, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      } catch (err) {
        throw this.#fail('list', `${prefix}*`, err);
      }
      const [files, next] = page;
      for (const f of files) yield toInfo(f.name, f.metadata);
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
    } while (pageToken);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys: string[] = [];
    for await (const o of this.list(prefix)) keys.push(o.key);
    let n = 0;
    for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map(async (key) => {
        try {
          await this.#bucket.file(key).delete({ ignoreNotFound: true });
          n += 1;
        } catch (err) {
          throw this.#fail('delete', key, err);
        }
      }));
    }
    return n;
  }

  async presignRead(key: string, expiresAt: number, options: PresignOptions = {}): Promise<string> {
    return signGcsUrl(this.#bucket.file(checkKey(key)), {
      action: 'read',
      expires: expiresAt * 1000,
      ...(options.contentType ? { responseType: options.contentType } : {}),
      ...(this.#signingEndpoint ? { signingEndpoint: this.#signingEndpoint } : {}),
    });
  }

  async close(): Promise<void> {}
}

function toInfo(key: string, m: ObjectMetadata): ObjectInfo {
  // The JSON API's etag changes with every generation; md5Hash is the fallback.
  const etag = String(m.etag ?? m.md5Hash ?? m.generation ?? '').replace(/"/g, '');
  return { key, size: Number(m.size ?? 0), etag, lastModified: new Date(String(m.updated ?? m.timeCreated ?? 0)) };
}
