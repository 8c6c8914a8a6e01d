/**
 * Starts s3rver 3.7.1 (a Node S3 emulator) in a child process on 127.0.0.1,
 * port 0, in a temp dir, silent, with no bucket (tests create theirs through
 * the SDK); stop() kills it by PID and removes the dir. Why a child process,
 * and the one request it answers itself (ListParts): s3rver-process.mjs.
 * What s3rver does and does not verify: the header of test/storage/s3.test.ts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig, type S3StorageOptions } from '../../../src/storage/s3.js';

export interface RunningS3rver {
  endpoint: string;
  directory: string;
  /** s3rver's one built-in account; it checks the key id, never the signature. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export async function startS3rver(): Promise<RunningS3rver> {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-s3rver-'));
  const script = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`s3rver exited before listening (${code ?? signal})`)));
    createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A fresh bucket on a running s3rver, and the options that reach it. */
export async function s3rverBucket(s3: RunningS3rver): Promise<S3StorageOptions> {
  const options = { bucket: `sluice-${randomBytes(4).toString('hex')}`, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials };
  const client = new S3Client(s3ClientConfig(options));
  await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
  client.destroy();
  return options;
}
