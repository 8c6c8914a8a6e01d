/**
 * A plain @tus/server on 127.0.0.1:0 over a given datastore, and a
 * tus-js-client upload into it from Node: how each bucket's tus store is
 * tested before the Sluice app wires it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { Server as TusServer, type DataStore } from '@tus/server';
import { Upload } from 'tus-js-client';

export interface TusHarness {
  endpoint: string;
  /** Uploads `body` in PATCHes of `chunkSize`; resolves with the upload URL. */
  upload(body: Buffer, chunkSize: number): Promise<string>;
  close(): Promise<void>;
}

export async function startTusHarness(datastore: DataStore): Promise<TusHarness> {
  const tus = new TusServer({ path: '/files', datastore, namingFunction: () => randomBytes(16).toString('hex') });
  const http = createServer((req, res) => { void tus.handle(req, res); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}/files`;
  return {
    endpoint,
    upload: (body, chunkSize) => new Promise((resolve, reject) => {
      const u = new Upload(body, {
        endpoint, chunkSize, retryDelays: [],
        metadata: { filename: 'clip é.mp4', filetype: 'video/mp4' },
        onError: reject,
        onSuccess: () => resolve(u.url ?? ''),
      });
      u.start();
    }),
    close: async () => {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

export async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
