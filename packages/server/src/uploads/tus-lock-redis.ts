/**
 * tus upload locks across nodes on Redis: SET NX PX with a random token, a
 * lease renewed while held (a dead node's locks expire after `leaseMs`), and
 * a compare-and-delete in Lua so a holder never deletes a lock that expired
 * and was taken by another node.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DistributedLocker, type DistributedLockerOptions, type HeldLock, type LockBackend } from './tus-lock-distributed.js';

export interface RedisLockerOptions extends DistributedLockerOptions {
  url: string;
  /** How long a lock outlives a holder that stopped renewing it (node died). */
  leaseMs?: number;
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

class RedisLockBackend implements LockBackend {
  readonly #redis: Redis;
  readonly #leaseMs: number;

  constructor(url: string, leaseMs: number) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.#redis.on('error', () => undefined); // commands fail and are retried by the locker's loop
    this.#leaseMs = leaseMs;
  }

  async tryAcquire(id: string, onLost: () => void): Promise<HeldLock | undefined> {
    const key = `sluice:tus-lock:${id}`;
    const token = randomBytes(16).toString('hex');
    if ((await this.#redis.set(key, token, 'PX', this.#leaseMs, 'NX')) !== 'OK') return undefined;
    const renew = setInterval(() => {
      this.#redis.eval(RENEW, 1, key, token, this.#leaseMs).then((renewed) => {
        if (renewed === 0) { clearInterval(renew); onLost(); } // expired (Redis unreachable too long) and maybe taken
      }, () => undefined);
    }, Math.max(100, this.#leaseMs / 3));
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.#redis.eval(RELEASE, 1, key, token);
      },
    };
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => undefined);
  }
}

export class RedisLocker extends DistributedLocker {
  static async create(opts: RedisLockerOptions): Promise<RedisLocker> {
    const locker = new RedisLocker(new RedisLockBackend(opts.url, opts.leaseMs ?? 10_000), opts);
    await locker.listen();
    return locker;
  }
}
