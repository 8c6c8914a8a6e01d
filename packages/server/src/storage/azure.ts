/**
 * Azure Blob storage (@azure/storage-blob 12.32.x: later versions need
 * Node 22). The SDK is an optional peer dependency, imported only when this
 * backend is chosen. Objects are block blobs: an upload is committed whole
 * by Put Block List, so readers never see a partial object.
 *
 * Presigned reads are service SAS URLs: signed with the account key when
 * one is configured, otherwise with a user delegation key obtained through
 * the token credential ("A user delegation SAS is secured with Microsoft
 * Entra credentials", which needs the Storage Blob Delegator role).
 */
import { Readable } from 'node:stream';
import { SluiceError } from '../errors.js';
import { checkKey, type ByteRange, type ObjectInfo, type PresignOptions, type PutOptions, type Storage } from './storage.js';

type Sdk = typeof import('@azure/storage-blob');
type ContainerClient = import('@azure/storage-blob').ContainerClient;
type BlobServiceClient = import('@azure/storage-blob').BlobServiceClient;
type SharedKey = import('@azure/storage-blob').StorageSharedKeyCredential;
type UserDelegationKey = import('@azure/storage-blob').UserDelegationKey;
/** The SDK's TokenCredential (e.g. DefaultAzureCredential): the credential kind that has getToken. */
export type TokenCredential = Extract<NonNullable<Parameters<Sdk['newPipeline']>[0]>, { getToken: unknown }>;

export interface AzureStorageOptions {
  container: string;
  /** Wins over account/accountKey/blobEndpoint when given (AZURE_STORAGE_CONNECTION_STRING). */
  connectionString?: string;
  account?: string;
  accountKey?: string;
  /** Defaults to https://<account>.blob.core.windows.net. */
  blobEndpoint?: string;
  /** Used when there is no key; defaults to @azure/identity's DefaultAzureCredential. */
  credential?: TokenCredential;
  /**
   * SAS version (sv) to sign with; defaults to the SDK's newest. Only for
   * emulators that lag the service: Azurite 3.35 checks user-delegation SAS
   * in the 2025-11-05 format, not the SDK's 2026-04-06 one.
   */
  sasVersion?: string;
}

/** Upload parts for streams: 4 MiB blocks, 4 in flight (at most 16 MiB buffered). */
const BLOCK_SIZE = 4 * 1024 * 1024;
const BLOCK_CONCURRENCY = 4;
/** "A user delegation key is valid for up to seven days" (Azure docs). */
const MAX_DELEGATION_MS = 7 * 24 * 3600 * 1000;
/** SAS start this far in the past: Azure's clocks may run a little behind ours. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

async function loadSdk(): Promise<Sdk> {
  try {
    return await import('@azure/storage-blob');
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_STORAGE=azure needs the @azure/storage-blob package: run `npm install @azure/storage-blob@~12.32.0` beside @sluice/server.', { cause: err });
  }
}

async function defaultCredential(): Promise<TokenCredential> {
  try {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new DefaultAzureCredential();
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'Azure storage without an account key needs the @azure/identity package (npm install @azure/identity@~4.13.0), or set AZURE_STORAGE_KEY.', { cause: err });
  }
}

async function connect(sdk: Sdk, o: AzureStorageOptions): Promise<BlobServiceClient> {
  if (o.connectionString) return sdk.BlobServiceClient.fromConnectionString(o.connectionString);
  if (!o.account) throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'Azure storage needs AZURE_STORAGE_CONNECTION_STRING or SLUICE_AZURE_ACCOUNT.');
  const endpoint = o.blobEndpoint ?? `https://${o.account}.blob.core.windows.net`;
  if (o.accountKey) return new sdk.BlobServiceClient(endpoint, new sdk.StorageSharedKeyCredential(o.account, o.accountKey));
  return new sdk.BlobServiceClient(endpoint, o.credential ?? (await defaultCredential()));
}

export async function createAzureStorage(options: AzureStorageOptions): Promise<AzureStorage> {
  const sdk = await loadSdk();
  const service = await connect(sdk, options);
  return new AzureStorage(sdk, service, service.getContainerClient(options.container), options.sasVersion);
}

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;
const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '');

export class AzureStorage implements Storage {
  readonly kind = 'azure' as const;
  readonly capabilities = { presignedRead: true };
  private readonly sharedKey: SharedKey | undefined;
  private delegation: { key: Promise<UserDelegationKey>; expiresAt: number } | undefined;

  constructor(private readonly sdk: Sdk, private readonly service: BlobServiceClient, readonly container: ContainerClient, private readonly sasVersion?: string) {
    this.sharedKey = service.credential instanceof sdk.StorageSharedKeyCredential ? service.credential : undefined;
  }

  private fail(op: string, key: string, err: unknown): SluiceError {
    if (err instanceof SluiceError) return err;
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return new SluiceError('SLUICE_ERR_STORAGE_FAILED', `Azure Blob ${op} of ${JSON.stringify(key)} in container ${this.container.containerName} failed: ${detail}`, { cause: err });
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<void> {
    const blob = this.container.getBlockBlobClient(checkKey(key));
    const blobHTTPHeaders = { blobContentType: options.contentType, blobCacheControl: options.cacheControl };
    try {
      if (Buffer.isBuffer(body)) await blob.uploadData(body, { blobHTTPHeaders });
      else await blob.uploadStream(body, BLOCK_SIZE, BLOCK_CONCURRENCY, { blobHTTPHeaders });
    } catch (err) {
      throw this.fail('put', key, err);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const blob = this.container.getBlobClient(checkKey(key));
    try {
      const res = range ? await blob.download(range.start, range.end - range.start + 1) : await blob.download();
      const body = res.readableStreamBody;
      if (!body) throw new Error('the response has no body');
      return body instanceof Readable ? body : Readable.from(body);
    } catch (err) {
      if (statusOf(err) === 404) throw new SluiceError('SLUICE_ERR_STORAGE_NOT_FOUND', `No blob ${key} in Azure container ${this.container.containerName}.`, { cause: err });
      throw this.fail('get', key, err);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const p = await this.container.getBlobClient(checkKey(key)).getProperties();
      return { key, size: p.contentLength ?? 0, etag: unquote(p.etag), lastModified: p.lastModified ?? new Date(0) };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.fail('stat', key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    try {
      for await (const b of this.container.listBlobsFlat({ prefix })) {
        yield { key: b.name, size: b.properties.contentLength ?? 0, etag: unquote(b.properties.etag), lastModified: b.properties.lastModified };
      }
    } catch (err) {
      throw this.fail('list', prefix, err);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys: string[] = [];
    for await (const o of this.list(prefix)) keys.push(o.key);
    let n = 0;
    // A few deletes in flight at a time: a video folder holds hundreds of segments.
    for (let i = 0; i < keys.length; i += 16) {
      const done = await Promise.all(keys.slice(i, i + 16).map(async (key) => {
        try {
          return (await this.container.getBlobClient(key).deleteIfExists()).succeeded;
        } catch (err) {
          throw this.fail('delete', key, err);
        }
      }));
      n += done.filter(Boolean).length;
    }
    return n;
  }

  async presignRead(key: string, expiresAt: number, options: PresignOptions = {}): Promise<string> {
    const blob = this.container.getBlobClient(checkKey(key));
    const expiresOn = new Date(expiresAt * 1000);
    const values = {
      containerName: this.container.containerName,
      blobName: key,
      permissions: this.sdk.BlobSASPermissions.parse('r'),
      startsOn: new Date(Date.now() - CLOCK_SKEW_MS),
      expiresOn,
      contentType: options.contentType,
      protocol: blob.url.startsWith('https:') ? this.sdk.SASProtocol.Https : this.sdk.SASProtocol.HttpsAndHttp,
      version: this.sasVersion,
    };
    try {
      const sas = this.sharedKey
        ? this.sdk.generateBlobSASQueryParameters(values, this.sharedKey)
        : this.sdk.generateBlobSASQueryParameters(values, await this.delegationKey(expiresOn), this.service.accountName);
      return `${blob.url}?${sas.toString()}`;
    } catch (err) {
      const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new SluiceError('SLUICE_ERR_STORAGE_PRESIGN_FAILED', `Azure could not sign a read URL for ${key} in container ${this.container.containerName}: ${detail}. Configure an account key, or grant the Storage Blob Delegator role for user-delegation SAS.`, { cause: err });
    }
  }

  /**
   * One user delegation key serves many URLs (one request per key, not per
   * segment): it is reused while it outlives the URL being signed, and a new
   * one is asked for a day (at most seven) ahead.
   */
  private delegationKey(until: Date): Promise<UserDelegationKey> {
    const cached = this.delegation;
    if (cached && cached.expiresAt >= until.getTime()) return cached.key;
    const now = Date.now();
    const expiresAt = Math.min(now + MAX_DELEGATION_MS, Math.max(until.getTime(), now + 24 * 3600 * 1000));
    if (expiresAt < until.getTime()) return Promise.reject(new Error(`a user delegation SAS cannot outlive seven days (asked until ${until.toISOString()})`));
    const key = this.service.getUserDelegationKey(new Date(now - 2 * CLOCK_SKEW_MS), new Date(expiresAt)).then((r): UserDelegationKey => r);
    this.delegation = { key, expiresAt };
    key.catch(() => { if (this.delegation?.key === key) this.delegation = undefined; });
    return key;
  }

  async close(): Promise<void> {}
}
