/**
 * "At most one node at a time" for periodic chores (the expired-upload sweep,
 * the upload reconciler): a node that finds the chore running elsewhere skips
 * this round — the next round, on some node, does it. PostgreSQL: a session
 * advisory lock on a pooled connection (a dead node's session ends and frees
 * it). Redis: SET NX PX with a token and a compare-and-delete (a dead node's
 * lease expires). Embedded: one process, so a local flag.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type pg from 'pg';

export interface Exclusive {
  /** Runs `task` unless another node (or this one) is running the chore `name`; true when it ran. */
  run(name: string, task: () => Promise<void>): Promise<boolean>;
}

export class LocalExclusive implements Exclusive {
  readonly #running = new Set<string>();

  async run(name: string, task: () => Promise<void>): Promise<boolean> {
    if (this.#running.has(name)) return false;
    this.#running.add(name);
    try { await task(); } finally { this.#running.delete(name); }
    return true;
  }
}

const advisoryKey = (name: string): string => createHash('sha256').update(`sluice-chore:${name}`).digest().readBigInt64BE(0).toString();

export class PostgresExclusive implements Exclusive {
  readonly #local = new LocalExclusive();
  constructor(private readonly pool: pg.Pool) {}

  run(name: string, task: () => Promise<void>): Promise<boolean> {
    let ran = false;
    return this.#local.run(name, async () => {
      const client = await this.pool.connect();
      let locked = false;
      try {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [advisoryKey(name)]);
        locked = r.rows[0]?.ok === true;
        if (!locked) return;
        ran = true;
        await task();
      } finally {
        if (locked) await client.query('SELECT pg_advisory_unlock($1::bigint)', [advisoryKey(name)]).catch(() => undefined);
        client.release();
      }
    }).then((here) => here && ran);
  }
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisExclusive implements Exclusive {
  readonly #local = new LocalExclusive();
  /** A chore is expected to end well within this; a node that died holding it frees it after this long. */
  constructor(private readonly redis: Redis, private readonly leaseMs = 10 * 60_000) {}

  run(name: string, task: () => Promise<void>): Promise<boolean> {
    let ran = false;
    return this.#local.run(name, async () => {
      const key = `sluice:chore:${name}`;
      const token = randomBytes(16).toString('hex');
      if ((await this.redis.set(key, token, 'PX', this.leaseMs, 'NX')) !== 'OK') return;
      ran = true;
      try { await task(); } finally { await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined); }
    }).then((here) => here && ran);
  }
}
