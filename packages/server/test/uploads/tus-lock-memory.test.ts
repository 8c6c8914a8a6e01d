import { MemoryLocker } from '@tus/server';
import { describeLockerContract } from './tus-lock-contract.js';

// The reference: the in-memory locker of @tus/server (one node, so both "nodes" are the same locker).
describeLockerContract('@tus/server MemoryLocker', false, () => Promise.resolve({
  pair: (acquireLockTimeout) => {
    const one = new MemoryLocker({ acquireLockTimeout });
    return Promise.resolve([one, one]);
  },
  cleanup: () => Promise.resolve(),
}));
