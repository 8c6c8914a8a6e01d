/**
 * How many thumbnails are drawn at once, and how many may wait: beyond
 * both, a request is refused at once (503 + Retry-After) instead of
 * queueing without bound — a flood of distinct thumbnails must not take
 * every core or pile up memory.
 */
import { SluiceError } from '../errors.js';

export class GenerationLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly maxRunning: number, readonly maxWaiting: number) {}

  /** Runs `work` when a slot is free; throws SLUICE_ERR_THUMBNAIL_BUSY when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.maxRunning) {
      if (this.#waiting.length >= this.maxWaiting) throw new SluiceError('SLUICE_ERR_THUMBNAIL_BUSY');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running += 1;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }

  get running(): number { return this.#running; }
  get waiting(): number { return this.#waiting.length; }
}
