/**
 * The contract every tus Locker runs, with two lockers standing for two
 * nodes (for @tus/server's MemoryLocker, the reference, both are the same
 * in-memory locker: it has only one node).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ERRORS, type Lock, type Locker } from '@tus/server';

export interface LockerSubject {
  /** Two lockers for "two nodes" that share the lock space; acquireLockTimeout in ms. */
  pair(acquireLockTimeout: number): Promise<[Locker, Locker]>;
  /** Distributed lockers: argv for test/uploads/support/lock-holder.ts (a node in another process). */
  holderArgs?(id: string): string[];
  /** Distributed lockers: makes the engine forget a held lock (session killed, key gone). */
  loseLock?(id: string): Promise<void>;
  cleanup(): Promise<void>;
}

const never = new AbortController().signal;
const noop = (): void => undefined;

export function describeLockerContract(name: string, distributed: boolean, factory: () => Promise<LockerSubject>): void {
  describe(`tus Locker contract: ${name}`, () => {
    let subject: LockerSubject;
    let a: Locker;
    let b: Locker;
    const id = (): string => `upload-${randomBytes(6).toString('hex')}`;
    before(async () => { subject = await factory(); [a, b] = await subject.pair(4000); });
    after(async () => { await subject?.cleanup(); });

    test('lock, unlock, lock again from the other node', async () => {
      const x = id();
      const l1 = a.newLock(x);
      await l1.lock(never, noop);
      await l1.unlock();
      const l2 = b.newLock(x);
      await l2.lock(never, noop);
      await l2.unlock();
    });

    test('the holder on one node is asked to release when the other node wants the lock, and the waiter gets it after unlock', async () => {
      const x = id();
      const order: string[] = [];
      const held = a.newLock(x);
      let asked = 0;
      await held.lock(never, async () => {
        asked += 1;
        if (asked > 1) return;
        order.push('release requested');
        await new Promise((r) => setTimeout(r, 50));
        order.push('holder unlocks');
        await held.unlock();
      });
      const waiter = b.newLock(x);
      await waiter.lock(never, noop);
      order.push('waiter acquired');
      assert.deepEqual(order, ['release requested', 'holder unlocks', 'waiter acquired']);
      await waiter.unlock();
    });

    test('different ids do not contend', async () => {
      const x = a.newLock(id());
      let asked = false;
      await x.lock(never, () => { asked = true; });
      const y = b.newLock(id());
      await y.lock(never, noop);
      assert.equal(asked, false);
      await Promise.all([x.unlock(), y.unlock()]);
    });

    test('a holder that ignores the release request makes the waiter fail with ERR_LOCK_TIMEOUT', async () => {
      const [slowA, slowB] = await subject.pair(600);
      const x = id();
      const held = slowA.newLock(x);
      let asked = 0;
      await held.lock(never, () => { asked += 1; });
      await assert.rejects(slowB.newLock(x).lock(never, noop), (err: unknown) => err === ERRORS.ERR_LOCK_TIMEOUT);
      assert.ok(asked >= 1, 'the holder was asked to release');
      await held.unlock();
      const again = slowB.newLock(x);
      await again.lock(never, noop);
      await again.unlock();
    });

    test('a waiter whose stop signal fires gives up with ERR_LOCK_TIMEOUT', async () => {
      const x = id();
      const held = a.newLock(x);
      await held.lock(never, noop);
      const stop = new AbortController();
      const waiting = b.newLock(x).lock(stop.signal, noop);
      setTimeout(() => stop.abort(), 100);
      await assert.rejects(waiting, (err: unknown) => err === ERRORS.ERR_LOCK_TIMEOUT);
      await held.unlock();
    });

    test('unlocking a lock that is not held throws', async () => {
      await assert.rejects(a.newLock(id()).unlock());
    });

    test('under contention from both nodes, never two holders at once', async () => {
      const x = id();
      let inside = 0;
      let maxInside = 0;
      let done = 0;
      const one = async (locker: Locker): Promise<void> => {
        const lock: Lock = locker.newLock(x);
        await lock.lock(never, noop);
        inside += 1; maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside -= 1; done += 1;
        await lock.unlock();
      };
      await Promise.all(Array.from({ length: 12 }, (_, i) => one(i % 2 ? a : b)));
      assert.equal(done, 12);
      assert.equal(maxInside, 1);
    });

    if (distributed) test('a holder whose lock is lost under it (session or lease gone) is asked to release', async () => {
      const x = id();
      const held = a.newLock(x);
      let asked = 0;
      await held.lock(never, () => { asked += 1; });
      await subject.loseLock!(x);
      const end = Date.now() + 20_000;
      while (asked === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.ok(asked >= 1, 'the holder was told');
      const other = b.newLock(x);
      await other.lock(never, noop);
      await held.unlock(); // the stale handle: must not free the new holder's lock
      const third = a.newLock(x);
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 300);
      await assert.rejects(third.lock(stop.signal, noop), (err: unknown) => err === ERRORS.ERR_LOCK_TIMEOUT);
      await other.unlock();
    });

    // A single-process locker has no other node that could die.
    if (distributed) test('a node that dies holding a lock does not keep it: another node takes it', async () => {
      const x = id();
      const script = fileURLToPath(new URL('./support/lock-holder.ts', import.meta.url));
      const holder = spawn(process.execPath, ['--import', 'tsx', script, ...subject.holderArgs!(x)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(holder, 'exit');
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: holder.stdout! }).once('line', () => resolve());
        holder.once('exit', () => reject(new Error('the holder exited before locking')));
      });
      const [, slowB] = await subject.pair(20_000);
      const stop = new AbortController();
      const blocked = slowB.newLock(x).lock(stop.signal, noop);
      let early = false;
      void blocked.then(() => { early = true; }, () => undefined);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(early, false, 'the lock is held by the other process');
      process.kill(-holder.pid!, 'SIGKILL');
      await exited;
      await blocked;
      await slowB.newLock(x).unlock();
    });
  });
}
