/**
 * tus uploads straight into the Azure container (@tus/azure-store). The
 * store names each blob after the bare upload id and has no prefix option,
 * so it gets a view of the container whose append-blob clients live under
 * `uploads/`: the tus id stays the video id, the blob is `uploads/<id>`.
 *
 * What the store does (2.0.x): one append blob per upload; each PATCH body
 * is buffered in memory and appended as ONE block (Azure allows 100 MiB per
 * append block and 50,000 blocks per blob), so the client's chunkSize is
 * the memory per PATCH and must stay under 100 MiB. tus's own state lives in
 * the blob's metadata, not in a separate info object. Extensions:
 * creation and creation-defer-length only (no termination, no expiration).
 */
import type { DataStore } from '@tus/server';
import { SluiceError } from '../errors.js';
import { AzureStorage, createAzureStorage, type AzureStorageOptions } from './azure.js';
import { UPLOADS_PREFIX } from './media-keys.js';

type ContainerClient = AzureStorage['container'];

/** The same container, with every append blob the store asks for moved under `uploads/`. */
export function prefixedContainer(container: ContainerClient, prefix = UPLOADS_PREFIX): ContainerClient {
  const view = Object.create(container) as ContainerClient;
  view.getAppendBlobClient = (id: string) => container.getAppendBlobClient(`${prefix}${id}`);
  return view;
}

/**
 * A tus DataStore writing to `uploads/<id>` in the container of `source`:
 * pass the AzureStorage the server already made (same client, same
 * credentials), or the same options createAzureStorage takes.
 */
export async function createAzureTusStore(source: AzureStorage | AzureStorageOptions): Promise<DataStore> {
  const storage = source instanceof AzureStorage ? source : await createAzureStorage(source);
  let mod: typeof import('@tus/azure-store');
  try {
    mod = await import('@tus/azure-store');
  } catch (err) {
    throw new SluiceError('SLUICE_ERR_CONFIG_INVALID', 'SLUICE_STORAGE=azure needs the @tus/azure-store package for uploads: run `npm install @tus/azure-store` beside @sluice/server.', { cause: err });
  }
  return new mod.AzureStore({ client: prefixedContainer(storage.container) });
}
