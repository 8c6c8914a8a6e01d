/**
 * tus uploads straight into the GCS bucket with @tus/gcs-store (an optional
 * peer dependency, loaded only for SLUICE_STORAGE=gcs). The store keeps the
 * upload's tus state in the object's own custom metadata, so the original
 * lands at `uploads/<id>` with no info object beside it. Every PATCH after the
 * first is written to `<key>_patch` and composed onto the object (GCS objects
 * are immutable; compose is how the store appends).
 */
import type { DataStore } from '@tus/server';
import { SluiceError } from '../errors.js';
import { createGcsClient, loadGcs, type GcsBucket, type GcsStorageOptions } from './gcs.js';
import { UPLOADS_PREFIX } from './media-keys.js';

export async function createGcsTusStore(options: GcsStorageOptions): Promise<DataStore> {
  const gcs = await loadGcs();
  let store: typeof import('@tus/gcs-store');
  try {
    store = await import('@tus/gcs-store');
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_STORAGE=gcs needs the package @tus/gcs-store for uploads: npm install @tus/gcs-store', { cause: err });
  }
  const bucket = createGcsClient(gcs, options).bucket(options.bucket);
  return new store.GCSStore({ bucket: prefixed(bucket, UPLOADS_PREFIX) });
}

/**
 * The bucket as GCSStore sees it: `file(id)` names `uploads/<id>`. GCSStore
 * only reaches objects through `bucket.file()` (and composes File objects it
 * got from it), so every object it touches stays under the prefix.
 */
function prefixed(bucket: GcsBucket, prefix: string): GcsBucket {
  const view = Object.create(bucket) as GcsBucket;
  Object.defineProperty(view, 'file', {
    value: (name: string, opts?: Parameters<GcsBucket['file']>[1]) => bucket.file(prefix + name, opts),
  });
  return view;
}
