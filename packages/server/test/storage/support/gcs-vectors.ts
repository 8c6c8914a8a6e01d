/**
 * Google's published V4 signed-URL conformance vectors and their dummy
 * service-account key (googleapis/conformance-tests, storage/v1), read from
 * the folder beside the repository: <repo>/../shared/data/gcs-v4-conformance.
 * They are not copied into the project; where the folder is absent, the
 * tests that need it fail with the message below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
export const VECTORS_DIR = join(repoRoot, '..', 'shared', 'data', 'gcs-v4-conformance');

export interface SigningVector {
  description: string;
  bucket: string;
  object?: string;
  method: string;
  expiration: number;
  timestamp: string;
  expectedUrl: string;
  headers?: Record<string, string>;
  queryParameters?: Record<string, string>;
  scheme?: string;
  urlStyle?: 'PATH_STYLE' | 'VIRTUAL_HOSTED_STYLE' | 'BUCKET_BOUND_HOSTNAME';
  bucketBoundHostname?: string;
  hostname?: string;
  clientEndpoint?: string;
  emulatorHostname?: string;
  universeDomain?: string;
}

export interface DummyServiceAccount { client_email: string; private_key: string; project_id: string }

function read(file: string): unknown {
  const path = join(VECTORS_DIR, file);
  if (!existsSync(path)) {
    throw new Error(`The GCS V4 conformance vectors are missing: expected ${path} (Google's googleapis/conformance-tests storage/v1 files v4_signatures.json and test_service_account.not-a-test.json in ${VECTORS_DIR}, beside the repository).`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function loadSigningVectors(): SigningVector[] {
  return (read('v4_signatures.json') as { signingV4Tests: SigningVector[] }).signingV4Tests;
}

export function loadDummyServiceAccount(): DummyServiceAccount {
  return read('test_service_account.not-a-test.json') as DummyServiceAccount;
}
