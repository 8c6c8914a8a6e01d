/**
 * SLUICE_STORAGE → a Storage, and the matching tus datastore for uploads.
 * Bucket backends (and their SDKs) are imported only when chosen.
 */
import type { DataStore } from '@tus/server';
import { FileStore } from '@tus/file-store';
import type { SluiceConfig } from '../config.js';
import { SluiceError } from '../errors.js';
import { LocalStorage } from './local.js';
import type { Storage } from './storage.js';

export async function createStorage(config: SluiceConfig): Promise<Storage> {
  try {
    switch (config.storage) {
      case 'local': return new LocalStorage(config.dataDir);
      case 's3': return (await import('./s3.js')).createS3Storage(config.s3!);
      case 'gcs': return (await import('./gcs.js')).createGcsStorage(config.gcs!);
      case 'azure': return (await import('./azure.js')).createAzureStorage(config.azure!);
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', `SLUICE_STORAGE=${config.storage} needs its SDK installed next to @sluice/server: ${SDKS[config.storage]}`, { cause: err });
    }
    throw err;
  }
}

const SDKS: Record<SluiceConfig['storage'], string> = {
  local: '',
  s3: 'npm install @aws-sdk/client-s3 @aws-sdk/lib-storage @aws-sdk/s3-request-presigner @tus/s3-store',
  gcs: 'npm install @google-cloud/storage@7 @tus/gcs-store',
  azure: 'npm install @azure/storage-blob @azure/identity @tus/azure-store',
};

/** Where tus writes originals: the data dir's uploads/ folder, or the bucket itself. */
export async function createTusDatastore(config: SluiceConfig, uploadsDir: string): Promise<DataStore> {
  const expirationPeriodInMilliseconds = config.uploadExpirySeconds * 1000;
  switch (config.storage) {
    case 'local': return new FileStore({ directory: uploadsDir, expirationPeriodInMilliseconds });
    case 's3': return (await import('./tus-s3.js')).createS3TusStore({ ...config.s3!, maxUploadBytes: config.maxUploadBytes, expirationPeriodInMilliseconds });
    case 'gcs': return (await import('./tus-gcs.js')).createGcsTusStore(config.gcs!);
    case 'azure': return (await import('./tus-azure.js')).createAzureTusStore(config.azure!);
  }
}
