/**
 * What the PostgreSQL and Redis tus lockers share: tus's Locker/Lock
 * contract across nodes. An upload id is locked on one node at a time; a
 * request that finds it locked asks the holder to let go (tus calls that
 * "request release": the holder's PATCH stops reading so its lock ends) —
 * over PubSub, because the holder may be on another node — and keeps trying
 * until `acquireLockTimeout`, as @tus/server's MemoryLocker does.
 */
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import type { PubSub } from '../pubsub/pubsub.js';

/** A lock held by this node; release() gives it up. */
export interface HeldLock { release(): Promise<void> }

export interface LockBackend {
  /**
   * Takes the lock if free; undefined when another holder has it. `onLost`
   * is called if the lock is lost while held (connection gone, lease expired).
   */
  tryAcquire(id: string, onLost: () => void): Promise<HeldLock | undefined>;
  close(): Promise<void>;
}

export interface DistributedLockerOptions {
  pubsub: PubSub;
  /** Give up (ERR_LOCK_TIMEOUT) after this long. MemoryLocker's default: 30 s. */
  acquireLockTimeout?: number;
  /** Retry interval while the lock is held elsewhere (an unlock wakes waiters at once). */
  pollMs?: number;
  /** Release requests are repeated this often while waiting (the holder may not have been listening yet). */
  rerequestMs?: number;
}

const RELEASE = 'sluice_tus_release';
const UNLOCKED = 'sluice_tus_unlocked';

export class DistributedLocker implements Locker {
  readonly #backend: LockBackend;
  readonly #opts: DistributedLockerOptions;
  /** Locks held by this node, with their holder's release callback. */
  readonly #held = new Map<string, RequestRelease>();
  /** Ids this node is trying to take right now (one attempt per id at a time). */
  readonly #trying = new Set<string>();
  readonly #holders = new Map<string, HeldLock>();
  readonly #wakers = new Map<string, Set<() => void>>();
  readonly #unsubscribe: Array<() => void> = [];

  protected constructor(backend: LockBackend, opts: DistributedLockerOptions) {
    this.#backend = backend;
    this.#opts = opts;
  }

  /** Subscribes to the release/unlocked channels; call once before use. */
  protected async listen(): Promise<void> {
    this.#unsubscribe.push(
      await this.#opts.pubsub.subscribe(RELEASE, (id) => { void Promise.resolve(this.#held.get(id)?.()).catch(() => undefined); }),
      await this.#opts.pubsub.subscribe(UNLOCKED, (id) => { for (const wake of [...(this.#wakers.get(id) ?? [])]) wake(); }),
    );
  }

  newLock(id: string): Lock {
    return {
      lock: (signal, requestRelease) => this.#lock(id, signal, requestRelease),
      unlock: () => this.#unlock(id),
    };
  }

  async close(): Promise<void> {
    for (const u of this.#unsubscribe) u();
    await this.#backend.close();
  }

  async #lock(id: string, stop: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + (this.#opts.acquireLockTimeout ?? 30_000);
    let askedAt = 0;
    for (;;) {
      if (stop.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      const local = this.#held.get(id);
      if (!local && !this.#trying.has(id)) {
        this.#trying.add(id);
        let got: HeldLock | undefined;
        // A lost lock may already be someone else's: its holder must stop, as if asked to release.
        const onLost = (): void => { if (this.#held.get(id) === requestRelease) void Promise.resolve(requestRelease()).catch(() => undefined); };
        try { got = await this.#backend.tryAcquire(id, onLost); } catch { got = undefined; } finally { this.#trying.delete(id); }
        if (got) {
          if (stop.aborted) { await got.release(); throw ERRORS.ERR_LOCK_TIMEOUT; }
          this.#held.set(id, requestRelease);
          this.#holders.set(id, got);
          return;
        }
      }
      if (Date.now() - askedAt >= (this.#opts.rerequestMs ?? 1000)) {
        askedAt = Date.now();
        // Held here: ask the holder directly; elsewhere: every node's holder of `id` hears it.
        if (local) void Promise.resolve(local()).catch(() => undefined);
        else await this.#opts.pubsub.publish(RELEASE, id).catch(() => undefined);
      }
      await this.#wait(id, Math.min(this.#opts.pollMs ?? 100, deadline - Date.now()), stop);
    }
  }

  async #unlock(id: string): Promise<void> {
    const holder = this.#holders.get(id);
    if (!holder) throw new Error('Releasing an unlocked lock!');
    this.#holders.delete(id);
    this.#held.delete(id);
    try {
      await holder.release();
    } finally {
      for (const wake of [...(this.#wakers.get(id) ?? [])]) wake();
      await this.#opts.pubsub.publish(UNLOCKED, id).catch(() => undefined);
    }
  }

  #wait(id: string, ms: number, stop: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#wakers.get(id);
      if (!set) this.#wakers.set(id, set = new Set());
      const wakers = set;
      const done = (): void => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        wakers.delete(done);
        if (wakers.size === 0 && this.#wakers.get(id) === wakers) this.#wakers.delete(id);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      stop.addEventListener('abort', done, { once: true });
      wakers.add(done);
    });
  }
}
