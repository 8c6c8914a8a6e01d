/**
 * tus upload locks across nodes on PostgreSQL session advisory locks: each
 * held lock keeps its own pooled connection, so a node that dies (or loses
 * its connection) releases its locks with its sessions — nothing to expire.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { DistributedLocker, type DistributedLockerOptions, type HeldLock, type LockBackend } from './tus-lock-distributed.js';

export interface PostgresLockerOptions extends DistributedLockerOptions {
  connectionString: string;
  /** Locks this node can hold at once (one connection each). */
  maxHeldLocks?: number;
}

/** Advisory locks take a bigint: the first 8 bytes of SHA-256 of a namespaced id. */
export function advisoryKey(id: string): string {
  return createHash('sha256').update(`sluice-tus:${id}`).digest().readBigInt64BE(0).toString();
}

class PostgresLockBackend implements LockBackend {
  readonly pool: pg.Pool;

  constructor(connectionString: string, max: number) {
    this.pool = new pg.Pool({ connectionString, max, application_name: 'sluice-tus-lock' });
    this.pool.on('error', () => undefined); // a dropped idle connection holds no lock
  }

  async tryAcquire(id: string, onLost: () => void): Promise<HeldLock | undefined> {
    const client = await this.pool.connect();
    const key = advisoryKey(id);
    let broken = false;
    let held = false;
    const onError = (): void => {
      broken = true;
      if (held) onLost(); // the session ended, and with it the advisory lock
    };
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
      if (!rows[0]?.ok) { client.off('error', onError); client.release(); return undefined; }
      held = true;
    } catch (err) {
      client.off('error', onError);
      client.release(true);
      throw err;
    }
    return {
      release: async () => {
        held = false;
        client.off('error', onError);
        if (broken) { client.release(true); return; } // the session, and so the lock, is already gone
        try {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
          client.release();
        } catch {
          client.release(true); // ending the session releases the lock
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export class PostgresLocker extends DistributedLocker {
  static async create(opts: PostgresLockerOptions): Promise<PostgresLocker> {
    const locker = new PostgresLocker(new PostgresLockBackend(opts.connectionString, opts.maxHeldLocks ?? 50), opts);
    await locker.listen();
    return locker;
  }
}
