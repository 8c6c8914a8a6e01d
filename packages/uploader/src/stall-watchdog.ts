/**
 * Stall detection, which tus-js-client lacks: a request that neither sends a
 * byte nor gets an answer for `timeout` ms is considered stalled (a dead
 * proxy, a half-open connection) and `onStall` runs once.
 */
export class StallWatchdog {
  #last = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** (Re)starts watching; any earlier watch is stopped. */
  start(timeout: number, onStall: () => void): void {
    this.stop();
    this.touch();
    this.#timer = setInterval(() => {
      if (performance.now() - this.#last > timeout) { this.stop(); onStall(); }
    }, Math.max(50, Math.min(1000, timeout / 4)));
  }

  /** Something moved: a request started, bytes were sent, an answer came. */
  touch(): void {
    this.#last = performance.now();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
