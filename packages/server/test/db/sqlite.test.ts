/**
 * The Store on SQLite (better-sqlite3, temp files): the shared contract, and
 * the upgrade of a file the first (synchronous, user_version 3) store
 * created, rows and all.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src/db/migrate.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/db/migrations.js';
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

  test('a file made by the first store (user_version 3) upgrades in place without losing a row', async () => {
    const file = join(dir, 'legacy', 'sluice.db');
    const legacy = legacyFile(file);
    const t = '2026-01-02T03:04:05.000Z';
    const video = legacy.prepare(`INSERT INTO videos (id, status, title, filename, size, owner, max_duration, playable, renditions, duration, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    video.run('old1', 'failed', 'Old one', 'a.mp4', 10, 'o1', 60, 0, '[]', null, t, t);
    video.run('old2', 'queued', 'Old two', 'b.mp4', 20, null, null, 1, JSON.stringify([{ name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 }]), 12.5, t, t);
    const done = Number(legacy.prepare(`INSERT INTO jobs (video_id, state, attempts, error_code, error_message, created_at, started_at, finished_at) VALUES ('old1', 'failed', 1, 'SLUICE_ERR_MEDIA_X', 'broke', ?, ?, ?)`).run(t, t, t).lastInsertRowid);
    const queued = Number(legacy.prepare(`INSERT INTO jobs (video_id, state, created_at) VALUES ('old2', 'queued', ?)`).run(t).lastInsertRowid);
    legacy.close();

    const report = await migrate(file);
    assert.deepEqual(report, { dialect: 'sqlite', from: 3, to: LATEST_VERSION, applied: MIGRATIONS.filter((m) => m.version > 3).map((m) => ({ version: m.version, name: m.name })) });
    const store = await Store.open(file);
    try {
      const base = { title: 'Old one', filename: 'a.mp4', progress: 0, encoder: null, width: null, height: null, createdAt: t, updatedAt: t };
      assert.deepEqual(await store.getVideo('old1'), { ...base, id: 'old1', status: 'failed', size: 10, owner: 'o1', maxDuration: 60, playable: false, renditions: [], duration: null, error: null });
      const old2 = await store.getVideo('old2');
      assert.deepEqual([old2?.playable, old2?.renditions, old2?.duration, old2?.owner], [true, [{ name: '720p', width: 1280, height: 720, bandwidth: 3_000_000 }], 12.5, null]);
      assert.deepEqual(await store.getJob(done), { id: done, videoId: 'old1', state: 'failed', attempts: 1, error: { code: 'SLUICE_ERR_MEDIA_X', message: 'broke' }, createdAt: t, startedAt: t, finishedAt: t, pid: null, fence: 0 });
      assert.equal((await store.getJob(queued))?.fence, 0);
      const claimed = await store.claimNextJob();
      assert.deepEqual([claimed?.id, claimed?.fence], [queued, 1]);
      assert.ok((await store.finishLeasedJob(leaseOf(claimed!))).ok);
    } finally {
      await store.close();
    }
  });

  test('a fresh file gets every migration once; a second run applies none', async () => {
    const file = join(dir, 'fresh', 'sluice.db');
    const first = await migrate(file);
    assert.equal(first.from, 0);
    assert.deepEqual(first.applied.map((m) => m.version), MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    assert.deepEqual((await migrate(file)).applied, []);
    const db = new Database(file, { readonly: true });
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('jobs')`).all() as Array<{ name: string }>).map((c) => c.name);
    db.close();
    assert.ok(cols.includes('fence') && cols.includes('pid'));
  });

  test('Store.open with migrate: false refuses a file behind the schema, naming the fix', async () => {
    const file = join(dir, 'behind', 'sluice.db');
    legacyFile(file).close();
    await assert.rejects(Store.open(file, { migrate: false }), new RegExp(`schema version 3, this Sluice needs ${LATEST_VERSION}: run \`sluice migrate\``));
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

/** A SQLite file exactly as the first store left it: migrations 1–3, user_version 3. */
function legacyFile(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  for (const m of MIGRATIONS.slice(0, 3)) db.exec(m.sqlite);
  db.pragma('user_version = 3');
  return db;
}
