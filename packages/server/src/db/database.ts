/**
 * Opens the SQLite metadata store (better-sqlite3, WAL) and applies the
 * schema migrations in order. Everything that touches SQL lives in db/.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/** Append-only: never edit a migration that has shipped; add a new one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE videos (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     title TEXT NOT NULL DEFAULT '',
     filename TEXT NOT NULL DEFAULT '',
     size INTEGER,
     progress REAL NOT NULL DEFAULT 0,
     playable INTEGER NOT NULL DEFAULT 0,
     error_code TEXT,
     error_message TEXT,
     duration REAL,
     width INTEGER,
     height INTEGER,
     renditions TEXT NOT NULL DEFAULT '[]',
     encoder TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE jobs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     video_id TEXT NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     error_code TEXT,
     error_message TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX jobs_state ON jobs(state, id);
   CREATE INDEX jobs_video ON jobs(video_id);`,
  // The running ffmpeg's pid, so that one orphaned by a crash can be stopped on restart.
  `ALTER TABLE jobs ADD COLUMN pid INTEGER;`,
  // Who created the upload (only that token may touch it), and the token's maxDuration claim (checked at probe).
  `ALTER TABLE videos ADD COLUMN owner TEXT;
   ALTER TABLE videos ADD COLUMN max_duration REAL;`,
];

export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
