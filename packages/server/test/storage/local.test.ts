import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '../../src/storage/local.js';
import { describeStorageContract } from './contract.js';

describeStorageContract('local disk', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-local-storage-'));
  return { storage: new LocalStorage(root), cleanup: async () => rmSync(root, { recursive: true, force: true }) };
});
