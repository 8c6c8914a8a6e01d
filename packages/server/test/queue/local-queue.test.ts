import { LocalQueue } from '../../src/queue/local-queue.js';
import { describeQueueContract } from './contract.js';

describeQueueContract('local (in-process)', { crossProcess: false }, () => Promise.resolve({
  open: (o) => Promise.resolve(new LocalQueue({ maxAttempts: o.maxAttempts ?? 3, retryDelayMs: 50 })),
  cleanup: () => Promise.resolve(),
}));
