/**
 * Starts Azurite's blob service (azurite@3.35.0, the last release that runs
 * on Node 20) as a child process on 127.0.0.1, a port the OS picks, and a
 * temp folder; stop() SIGKILLs it by PID and removes the folder.
 *
 * The account is Azurite's well-known development account, whose key is
 * published in Azurite's README: it signs SAS URLs exactly as Azure does
 * and Azurite checks those signatures and their expiry.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  account: string;
  accountKey: string;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** PEM files: serve HTTPS (Azurite's OAuth, hence user delegation keys, needs it). */
  tls?: { cert: string; key: string };
  /** `--oauth basic`: bearer tokens are checked for issuer, audience and expiry, not signature. */
  oauth?: boolean;
}

const BLOB_MAIN = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const location = mkdtempSync(join(tmpdir(), 'sluice-azurite-'));
  const args = [
    BLOB_MAIN, '--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location,
    '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose',
  ];
  if (options.tls) args.push('--cert', options.tls.cert, '--key', options.tls.key);
  if (options.oauth) args.push('--oauth', 'basic');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(location, { recursive: true, force: true });
  };
  try {
    // With --blobPort 0 Azurite prints the port the OS gave it.
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not listen within 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const m = /listens on (https?:\/\/[\d.]+:\d+)/.exec(output);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)); });
    });
    const blobEndpoint = `${origin}/${AZURITE_ACCOUNT}`;
    const protocol = origin.startsWith('https:') ? 'https' : 'http';
    const connectionString = `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`;
    return { blobEndpoint, connectionString, account: AZURITE_ACCOUNT, accountKey: AZURITE_KEY, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Creates `name` in the emulator (Sluice never creates containers itself). */
export async function createContainer(connectionString: string, name: string): Promise<void> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).create();
}

/**
 * The Blob service CORS rule docs/storage.md asks for, for `origins`: a
 * player on those pages may GET/HEAD blobs with Range and read the
 * Content-Range, Content-Length, ETag and Accept-Ranges headers.
 */
export async function allowCors(connectionString: string, origins: string[]): Promise<void> {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  await BlobServiceClient.fromConnectionString(connectionString).setProperties({
    cors: [{
      allowedOrigins: origins.join(','),
      allowedMethods: 'GET,HEAD,OPTIONS',
      allowedHeaders: 'range,if-range,if-none-match,if-modified-since',
      exposedHeaders: 'content-range,content-length,etag,accept-ranges',
      maxAgeInSeconds: 3600,
    }],
  });
}
