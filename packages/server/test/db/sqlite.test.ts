/**
 * The Store on SQLite (better-sqlite3, temp files): the shared contract, and
 * the upgrade of a file that today's db/database.ts created, rows and all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { LATEST_VERSION } from '../../src/db/migrations.js';
import { Repository } from '../../src/db/repository.js';
import { Store, leaseOf } from '../../src/db/store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-store-sqlite-'));
  const opened: Store[] = [];
  const open = async (file: string): Promise<Store> => {
    const s = await Store.open(file);
    opened.push(s);
    return s;
  };
  let n = 0;
  return {
    async fresh() {
      const file = join(dir, `db-${++n}`, 'sluice.db');
      return { target: file, store: await open(file), another: () => open(file) };
    },
    async stop() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-store-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a file made by today\'s openDatabase() (user_version 3) upgrades in place without losing a row', async () => {
    const file = join(dir, 'legacy', 'sluice.db');
    const legacy = openDatabase(file);
    assert.equal(legacy.pragma('user_version', { simple: true }), 3);
    const repo = new Repository(legacy);
    repo.createVideo({ id: 'old1', status: 'uploading', title: 'Old one', filename: 'a.mp4', size: 10, owner: 'o1', maxDuration: 60 });
    repo.createVideo({ id: 'old2', status: 'uploading', title: 'Old two', filename: 'b.mp4', size: 20 });
    repo.updateVideo('old2', { playable: true, renditions: [{ name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 }], duration: 12.5 });
    const done = repo.enqueueJob('old1');
    repo.claimNextJob();
    repo.finishJob(done.id, { code: 'SLUICE_ERR_MEDIA_X', message: 'broke' });
    const queued = repo.enqueueJob('old2');
    const before = { videos: repo.listVideos(), jobs: [repo.getJob(done.id)!, repo.getJob(queued.id)!] };
    legacy.close();

    const report = await migrate(file);
    assert.deepEqual(report, { dialect: 'sqlite', from: 3, to: LATEST_VERSION, applied: [{ version: 4, name: 'jobs.fence' }] });
    const store = await Store.open(file);
    try {
      assert.deepEqual(await store.listVideos(), before.videos, 'every video, field for field');
      assert.deepEqual(await store.getJob(done.id), { ...before.jobs[0], fence: 0 });
      assert.deepEqual(await store.getJob(queued.id), { ...before.jobs[1], fence: 0 });
      const claimed = await store.claimNextJob();
      assert.deepEqual([claimed?.id, claimed?.fence], [queued.id, 1]);
      assert.ok((await store.finishLeasedJob(leaseOf(claimed!))).ok);
    } finally {
      await store.close();
    }
    // Until the lead switches callers, today's code still opens the upgraded file.
    const reopened = openDatabase(file);
    assert.equal(reopened.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.equal(new Repository(reopened).getVideo('old1')?.title, 'Old one');
    reopened.close();
  });

  test('a fresh file gets every migration once; a second run applies none', async () => {
    const file = join(dir, 'fresh', 'sluice.db');
    const first = await migrate(file);
    assert.equal(first.from, 0);
    assert.deepEqual(first.applied.map((m) => m.version), [1, 2, 3, 4]);
    assert.deepEqual((await migrate(file)).applied, []);
    const db = new Database(file, { readonly: true });
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('jobs')`).all() as Array<{ name: string }>).map((c) => c.name);
    db.close();
    assert.ok(cols.includes('fence') && cols.includes('pid'));
  });

  test('Store.open with migrate: false refuses a file behind the schema, naming the fix', async () => {
    const file = join(dir, 'behind', 'sluice.db');
    openDatabase(file).close();
    await assert.rejects(Store.open(file, { migrate: false }), /schema version 3, this Sluice needs 4: run `sluice migrate`/);
    await migrate(file);
    const store = await Store.open(file, { migrate: false });
    assert.equal(await store.schemaVersion(), LATEST_VERSION);
    await store.close();
  });

  test('a file from a newer Sluice is refused, not downgraded', async () => {
    const file = join(dir, 'newer', 'sluice.db');
    await migrate(file);
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    await assert.rejects(migrate(file), /newer than this Sluice/);
  });
});
